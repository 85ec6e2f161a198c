//! The commit graph of an audit: which refs, which commits, in which order.
//!
//! Commits are read once each (only their header: tree, parents, time) and
//! put in topological order, oldest first, so that the first commit in that
//! order whose tree holds a blob is the commit that introduced it.

use super::ObjectId;
use crate::error::WalkError;
use gix::objs::Find;
use std::collections::{BinaryHeap, HashMap, HashSet};

/// Index of a commit in a [`CommitGraph`].
pub type CommitIndex = u32;

/// Which refs an audit starts from.
#[derive(Debug, Clone, Default)]
pub struct RefSelection {
    /// Branch names (`main`, `origin/main`, `refs/heads/x`); empty: every ref
    /// (branches, remotes, tags, stash, notes, `HEAD`).
    pub branches: Vec<String>,
    /// Only commits not reachable from these revisions (`--since REV`,
    /// the left side of `A..B`).
    pub exclude: Vec<String>,
    /// Start from this revision instead of the refs (the right side of `A..B`).
    pub include: Option<String>,
}

/// One commit of the graph, as much as the audit needs.
#[derive(Debug, Clone)]
pub struct CommitNode {
    /// The commit's id.
    pub id: ObjectId,
    /// Its root tree.
    pub tree: ObjectId,
    /// Parents that are part of the graph.
    pub parents: Vec<CommitIndex>,
    /// Parents that are not in the repository (shallow boundary or missing).
    pub missing_parents: usize,
    /// Committer time, seconds since the epoch.
    pub time: i64,
}

/// Commits to audit, in topological order (every parent before its children,
/// oldest first among commits that could go either way).
#[derive(Debug, Default)]
pub struct CommitGraph {
    /// The commits, in order.
    pub commits: Vec<CommitNode>,
    /// Commits at the excluded boundary: their trees count as already seen.
    pub boundary: Vec<ObjectId>,
    /// The refs the audit started from, by name, with the commit they point to.
    pub tips: Vec<(String, ObjectId)>,
    /// Problems that did not stop the walk (unreadable refs, missing commits).
    pub warnings: Vec<String>,
    /// Commits whose parents are not in the repository (a shallow clone).
    pub shallow: bool,
    /// Refs or commits that could not be read (dangling refs, refs to
    /// missing or damaged commits): with nothing else read, the audit failed.
    pub unreadable: usize,
}

/// Reads the commit graph reachable from the selected refs.
pub fn collect(repo: &gix::Repository, selection: &RefSelection) -> Result<CommitGraph, WalkError> {
    let mut graph = CommitGraph::default();
    let git_dir = repo.git_dir().to_path_buf();
    graph.tips = tips(repo, selection, &mut graph.warnings, &mut graph.unreadable)?;
    let mut excluded: HashSet<ObjectId> = HashSet::new();
    for rev in &selection.exclude {
        let id = resolve_commit(repo, rev)
            .map_err(|e| WalkError::new(&git_dir, format!("revision `{rev}`: {e}")))?;
        excluded.extend(ancestors(repo, id));
    }
    graph.boundary = excluded_boundary(repo, &excluded, &graph.tips);

    // Read every commit once, from the tips down, stopping at excluded ones.
    let mut index_of: HashMap<ObjectId, CommitIndex> = HashMap::new();
    let mut nodes: Vec<(CommitNode, Vec<ObjectId>)> = Vec::new();
    let mut stack: Vec<ObjectId> = graph.tips.iter().map(|(_, id)| *id).collect();
    let mut buffer = Vec::new();
    let mut missing: Vec<ObjectId> = Vec::new();
    while let Some(id) = stack.pop() {
        if index_of.contains_key(&id) || excluded.contains(&id) {
            continue;
        }
        let header = match read_commit_header(repo, &id, &mut buffer) {
            Ok(header) => header,
            Err(_) => {
                missing.push(id);
                continue;
            }
        };
        index_of.insert(id, nodes.len() as CommitIndex);
        for parent in &header.parents {
            if !index_of.contains_key(parent) && !excluded.contains(parent) {
                stack.push(*parent);
            }
        }
        nodes.push((
            CommitNode {
                id,
                tree: header.tree,
                parents: Vec::new(),
                missing_parents: 0,
                time: header.time,
            },
            header.parents,
        ));
    }
    // A parent that could not be read is missing (a shallow boundary, or a
    // damaged repository); it is not an error for its children.
    let missing_set: HashSet<ObjectId> = missing.iter().copied().collect();
    for (node, parents) in &mut nodes {
        for parent in parents.iter() {
            match index_of.get(parent) {
                Some(&index) => node.parents.push(index),
                None if excluded.contains(parent) => {}
                None => node.missing_parents += 1,
            }
        }
    }
    let tip_ids: HashSet<ObjectId> = graph.tips.iter().map(|(_, id)| *id).collect();
    let unreadable_tips: Vec<ObjectId> = missing
        .iter()
        .filter(|id| tip_ids.contains(*id))
        .copied()
        .collect();
    graph.unreadable += unreadable_tips.len();
    if !unreadable_tips.is_empty() {
        graph.warnings.push(format!(
            "{} ref{} point to commits that cannot be read: {}",
            unreadable_tips.len(),
            if unreadable_tips.len() == 1 { "" } else { "s" },
            super::some_ids(&unreadable_tips, 5)
        ));
    }
    let shallow_boundary = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|commits| commits.iter().copied().collect::<HashSet<_>>())
        .unwrap_or_default();
    let missing_parents: Vec<ObjectId> = missing_set
        .iter()
        .filter(|id| !tip_ids.contains(*id))
        .copied()
        .collect();
    graph.shallow = !shallow_boundary.is_empty();
    if graph.shallow {
        graph.warnings.push(format!(
            "shallow clone: history before {} boundary commit{} is not in the repository; \
             content that existed there is attributed to the boundary commits",
            shallow_boundary.len(),
            if shallow_boundary.len() == 1 { "" } else { "s" }
        ));
    } else if !missing_parents.is_empty() {
        graph.warnings.push(format!(
            "{} parent commit{} missing from the repository (their history is not audited): {}",
            missing_parents.len(),
            if missing_parents.len() == 1 {
                " is"
            } else {
                "s are"
            },
            super::some_ids(&missing_parents, 5)
        ));
    }
    graph.commits = topological(nodes.into_iter().map(|(node, _)| node).collect());
    Ok(graph)
}

/// The refs to start from: the named branches, the included revision, or every ref.
fn tips(
    repo: &gix::Repository,
    selection: &RefSelection,
    warnings: &mut Vec<String>,
    unreadable: &mut usize,
) -> Result<Vec<(String, ObjectId)>, WalkError> {
    let git_dir = repo.git_dir();
    let mut tips = Vec::new();
    if let Some(rev) = &selection.include {
        let id = resolve_commit(repo, rev)
            .map_err(|e| WalkError::new(git_dir, format!("revision `{rev}`: {e}")))?;
        tips.push((rev.clone(), id));
        return Ok(tips);
    }
    if !selection.branches.is_empty() {
        for name in &selection.branches {
            let id = resolve_branch(repo, name)
                .map_err(|e| WalkError::new(git_dir, format!("branch `{name}`: {e}")))?;
            tips.push((name.clone(), id));
        }
        return Ok(tips);
    }
    let platform = repo
        .references()
        .map_err(|e| WalkError::new(git_dir, format!("reading refs: {e}")))?;
    let all = platform
        .all()
        .map_err(|e| WalkError::new(git_dir, format!("reading refs: {e}")))?;
    for reference in all {
        let mut reference = match reference {
            Ok(reference) => reference,
            Err(e) => {
                *unreadable += 1;
                warnings.push(format!("unreadable ref skipped: {e}"));
                continue;
            }
        };
        let name = reference.name().as_bstr().to_string();
        let target = reference.target().try_id().map(|id| id.to_owned());
        match reference.peel_to_id() {
            Ok(id) => match commit_of(repo, id.detach()) {
                Some(commit) => tips.push((name, commit)),
                None if !repo.has_object(id.detach()) => {
                    *unreadable += 1;
                    warnings.push(format!(
                        "ref {name} points to {}, which is not in the repository; skipped",
                        id.detach().to_hex_with_len(12)
                    ));
                }
                // Tags of trees or blobs are rare; their content is not in any commit.
                None => warnings.push(format!(
                    "ref {name} does not point to a commit; not audited"
                )),
            },
            Err(_) => {
                *unreadable += 1;
                warnings.push(match target {
                    Some(id) => format!(
                        "ref {name} points to {}, which is not in the repository or cannot be read; skipped",
                        id.to_hex_with_len(12)
                    ),
                    None => format!("ref {name} is dangling (its target does not exist); skipped"),
                });
            }
        }
    }
    if let Ok(head) = repo.head_id() {
        tips.push(("HEAD".to_string(), head.detach()));
    }
    tips.sort();
    tips.dedup();
    Ok(tips)
}

fn resolve_branch(repo: &gix::Repository, name: &str) -> Result<ObjectId, String> {
    for candidate in [
        name.to_string(),
        format!("refs/heads/{name}"),
        format!("refs/remotes/{name}"),
    ] {
        if let Ok(Some(mut reference)) = repo.try_find_reference(candidate.as_str())
            && let Ok(id) = reference.peel_to_id()
            && let Some(commit) = commit_of(repo, id.detach())
        {
            return Ok(commit);
        }
    }
    Err("no such branch".to_string())
}

/// Resolves a revision (`main`, `HEAD~3`, a sha) to a commit.
pub fn resolve_commit(repo: &gix::Repository, rev: &str) -> Result<ObjectId, String> {
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| e.to_string())?
        .detach();
    commit_of(repo, id).ok_or_else(|| "does not name a commit".to_string())
}

/// The commit an object id leads to (peeling annotated tags).
fn commit_of(repo: &gix::Repository, id: ObjectId) -> Option<ObjectId> {
    let object = repo.find_object(id).ok()?;
    object.peel_to_commit().ok().map(|commit| commit.id)
}

/// Every commit reachable from `id`, itself included.
fn ancestors(repo: &gix::Repository, id: ObjectId) -> HashSet<ObjectId> {
    let mut seen = HashSet::new();
    let mut stack = vec![id];
    let mut buffer = Vec::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Ok(header) = read_commit_header(repo, &id, &mut buffer) {
            stack.extend(header.parents);
        }
    }
    seen
}

/// Excluded commits that are parents of included ones: the trees a range is compared with.
fn excluded_boundary(
    repo: &gix::Repository,
    excluded: &HashSet<ObjectId>,
    tips: &[(String, ObjectId)],
) -> Vec<ObjectId> {
    if excluded.is_empty() {
        return Vec::new();
    }
    let mut boundary = HashSet::new();
    let mut seen = HashSet::new();
    let mut stack: Vec<ObjectId> = tips.iter().map(|(_, id)| *id).collect();
    let mut buffer = Vec::new();
    while let Some(id) = stack.pop() {
        if excluded.contains(&id) {
            boundary.insert(id);
            continue;
        }
        if !seen.insert(id) {
            continue;
        }
        if let Ok(header) = read_commit_header(repo, &id, &mut buffer) {
            stack.extend(header.parents);
        }
    }
    let mut boundary: Vec<ObjectId> = boundary.into_iter().collect();
    boundary.sort();
    boundary
}

struct CommitHeader {
    tree: ObjectId,
    parents: Vec<ObjectId>,
    time: i64,
}

fn read_commit_header(
    repo: &gix::Repository,
    id: &ObjectId,
    buffer: &mut Vec<u8>,
) -> Result<CommitHeader, String> {
    let data = repo
        .objects
        .try_find(id, buffer)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "missing".to_string())?;
    if data.kind != gix::object::Kind::Commit {
        return Err(format!("is a {}, not a commit", data.kind));
    }
    let commit =
        gix::objs::CommitRef::from_bytes(data.data, data.object_hash).map_err(|e| e.to_string())?;
    Ok(CommitHeader {
        tree: commit.tree(),
        parents: commit.parents().collect(),
        time: commit.committer().ok().map_or(0, |c| c.seconds()),
    })
}

/// Kahn's algorithm: parents before children, the oldest ready commit first.
fn topological(nodes: Vec<CommitNode>) -> Vec<CommitNode> {
    let count = nodes.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut waiting: Vec<usize> = vec![0; count];
    for (index, node) in nodes.iter().enumerate() {
        waiting[index] = node.parents.len();
        for &parent in &node.parents {
            children[parent as usize].push(index);
        }
    }
    let mut ready: BinaryHeap<std::cmp::Reverse<(i64, ObjectId, usize)>> = nodes
        .iter()
        .enumerate()
        .filter(|(index, _)| waiting[*index] == 0)
        .map(|(index, node)| std::cmp::Reverse((node.time, node.id, index)))
        .collect();
    let mut order = Vec::with_capacity(count);
    while let Some(std::cmp::Reverse((_, _, index))) = ready.pop() {
        order.push(index);
        for &child in &children[index] {
            waiting[child] -= 1;
            if waiting[child] == 0 {
                let node = &nodes[child];
                ready.push(std::cmp::Reverse((node.time, node.id, child)));
            }
        }
    }
    // Renumber: parents now point at positions in the new order.
    let mut position = vec![0 as CommitIndex; count];
    for (new, &old) in order.iter().enumerate() {
        position[old] = new as CommitIndex;
    }
    let mut slots: Vec<Option<CommitNode>> = nodes.into_iter().map(Some).collect();
    order
        .iter()
        .map(|&old| {
            let mut node = slots[old].take().expect("each commit is placed once");
            for parent in &mut node.parents {
                *parent = position[*parent as usize];
            }
            node
        })
        .collect()
}

/// What a report says about a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitDetails {
    /// Full hex id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date, ISO 8601 with the author's offset.
    pub date: String,
    /// First line of the message.
    pub summary: String,
}

/// Reads the author, date and summary of a commit.
pub fn details(repo: &gix::Repository, id: ObjectId) -> Option<CommitDetails> {
    let commit = repo.find_commit(id).ok()?;
    let commit = commit.decode().ok()?;
    let author = commit.author().ok()?;
    let date = author
        .time()
        .map(|t| t.format_or_unix(gix::date::time::format::ISO8601_STRICT))
        .unwrap_or_default();
    let summary = commit.message_summary().to_string();
    Some(CommitDetails {
        id: id.to_string(),
        author: author.name.to_string().trim().to_string(),
        email: author.email.to_string().trim().to_string(),
        date,
        summary,
    })
}
