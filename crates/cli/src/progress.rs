//! Progress on stderr for long scans on a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a scan runs before progress appears.
const QUIET_PERIOD: Duration = Duration::from_millis(800);
/// How often the progress line is redrawn.
const TICK: Duration = Duration::from_millis(200);

/// Counters that scanner threads bump and the progress line reads.
#[derive(Debug, Default)]
pub struct Counters {
    /// Files (or blobs) scanned so far.
    pub files: AtomicU64,
    /// Bytes scanned so far.
    pub bytes: AtomicU64,
    /// How many items there are in all, when known (0: unknown).
    pub total: AtomicU64,
}

impl Counters {
    /// Records one scanned item of `bytes` bytes.
    pub fn add(&self, bytes: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Records `bytes` more bytes of an item already counted (a large file
    /// read in chunks).
    pub fn add_bytes(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Records how many items the scan will have in all, for an ETA.
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }
}

/// A progress line on stderr, drawn by its own thread while a scan runs.
pub struct Progress {
    counters: Arc<Counters>,
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts drawing progress if `enabled` and stderr is a terminal; `noun`
    /// names what is counted ("files", "blobs").
    pub fn start(enabled: bool, noun: &'static str) -> Self {
        let counters = Arc::new(Counters::default());
        let done = Arc::new(AtomicBool::new(false));
        let thread = (enabled && std::io::stderr().is_terminal()).then(|| {
            let counters = Arc::clone(&counters);
            let done = Arc::clone(&done);
            std::thread::spawn(move || draw_until_done(&counters, &done, noun))
        });
        Progress {
            counters,
            done,
            thread,
        }
    }

    /// The counters scanners update.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Stops drawing and clears the line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

fn draw_until_done(counters: &Counters, done: &AtomicBool, noun: &str) {
    let started = Instant::now();
    let mut drawn = false;
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(TICK);
        let elapsed = started.elapsed();
        if elapsed < QUIET_PERIOD {
            continue;
        }
        let files = counters.files.load(Ordering::Relaxed);
        let mib = counters.bytes.load(Ordering::Relaxed) as f64 / (1 << 20) as f64;
        let rate = mib / elapsed.as_secs_f64();
        let total = counters.total.load(Ordering::Relaxed);
        let line = if total > 0 && files > 0 {
            let left = elapsed.as_secs_f64() * (total.saturating_sub(files)) as f64 / files as f64;
            format!(
                "scanning: {files}/{total} {noun}, {mib:.1} MiB, {rate:.1} MiB/s, about {} left",
                human_seconds(left)
            )
        } else {
            format!("scanning: {files} {noun}, {mib:.1} MiB, {rate:.1} MiB/s")
        };
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[2K{line}");
        let _ = stderr.flush();
        drawn = true;
    }
    if drawn {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}

fn human_seconds(seconds: f64) -> String {
    let seconds = seconds.round() as u64;
    if seconds >= 60 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{seconds}s")
    }
}
