//! Container image references (`[registry[:port]/]repository[:tag][@digest]`)
//! and whether they pin what runs.

/// How well an image reference pins the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pinning {
    /// `name@sha256:…`: immutable.
    Digest,
    /// `name:1.4.2`: a tag other than `latest` (tags can move, but by convention a
    /// version tag names one release).
    Tag,
    /// `name:latest`.
    Latest,
    /// `name`: no tag, so the runtime pulls `latest`.
    Untagged,
}

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Registry and repository, without tag or digest (`registry:5000/team/app`).
    pub name: &'a str,
    /// The tag, when there is one.
    pub tag: Option<&'a str>,
    /// The digest, when there is one.
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    /// Parses a reference. `None` for text that is not a plain reference:
    /// empty, with spaces, or with variables left in it (`$TAG`, `${IMAGE}`).
    pub fn parse(text: &'a str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty()
            || !text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-/:@+".contains(&b))
        {
            return None;
        }
        let (rest, digest) = match text.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (text, None),
        };
        // A colon after the last slash starts the tag; one before it belongs
        // to a registry port (`registry:5000/app`).
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        if name.is_empty() || name.ends_with('/') || tag == Some("") || digest == Some("") {
            return None;
        }
        Some(ImageRef { name, tag, digest })
    }

    /// How the reference pins the image.
    pub fn pinning(&self) -> Pinning {
        if self.digest.is_some() {
            Pinning::Digest
        } else {
            match self.tag {
                None => Pinning::Untagged,
                Some(tag) if tag.eq_ignore_ascii_case("latest") => Pinning::Latest,
                Some(_) => Pinning::Tag,
            }
        }
    }
}

/// The note for a mutable reference, or `None` when it is pinned.
pub fn mutable_note(image: &ImageRef<'_>, shown: &str) -> Option<String> {
    match image.pinning() {
        Pinning::Latest => Some(format!(
            "`{shown}` uses the mutable `latest` tag: what runs changes whenever the image is pushed"
        )),
        Pinning::Untagged => Some(format!(
            "`{shown}` has no tag, so `latest` is pulled: what runs changes whenever the image is pushed"
        )),
        Pinning::Digest | Pinning::Tag => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(text: &str) -> Option<Pinning> {
        ImageRef::parse(text).map(|i| i.pinning())
    }

    #[test]
    fn tags_ports_and_digests() {
        assert_eq!(pin("nginx"), Some(Pinning::Untagged));
        assert_eq!(pin("nginx:latest"), Some(Pinning::Latest));
        assert_eq!(pin("nginx:LATEST"), Some(Pinning::Latest));
        assert_eq!(pin("nginx:1.25-alpine"), Some(Pinning::Tag));
        assert_eq!(pin("registry:5000/app"), Some(Pinning::Untagged));
        assert_eq!(pin("registry:5000/app:2"), Some(Pinning::Tag));
        assert_eq!(pin("ghcr.io/acme/api@sha256:abc"), Some(Pinning::Digest));
        assert_eq!(pin("node:latest@sha256:abc"), Some(Pinning::Digest));
        assert_eq!(pin("app:${TAG}"), None);
        assert_eq!(pin("$IMAGE"), None);
        assert_eq!(pin(""), None);
        assert_eq!(pin("a b"), None);
        assert_eq!(pin("app:"), None);
        let image = ImageRef::parse("localhost:5000/team/app:v1").unwrap();
        assert_eq!(image.name, "localhost:5000/team/app");
        assert_eq!(image.tag, Some("v1"));
    }
}
