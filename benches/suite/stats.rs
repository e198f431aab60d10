//! Timing helpers: samples, percentiles, ratios.

use std::time::{Duration, Instant};

pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn collect(n: usize, mut f: impl FnMut(usize)) -> Self {
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let start = Instant::now();
            f(i);
            out.push(start.elapsed());
        }
        Self(out)
    }

    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted[index]
    }

    pub fn p50(&self) -> Duration {
        self.percentile(0.50)
    }

    pub fn p99(&self) -> Duration {
        self.percentile(0.99)
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

pub fn ratio(a: f64, b: f64) -> String {
    if b == 0.0 { "n/a".into() } else { format!("{:.2}×", a / b) }
}
