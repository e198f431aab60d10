//! Three-way merge of a procedure file: the organisation's current revision (`ours`) brought up to
//! date with a new upstream revision (`theirs`), from the upstream revision it last took (`base`).
//!
//! The line-level merge is `diffy`'s diff3 (Myers diffs base→ours and base→theirs, combined into
//! hunks; a hunk changed on one side only, or identically on both, is taken). This module adds
//! what a procedure needs around it:
//!
//! - **Normalisation.** The three files are compared as LF text without a byte-order mark, in
//!   Unicode NFC, ending with a newline, so CRLF from a browser textarea or Vietnamese diacritics
//!   decomposed by another editor do not show as changed lines. The merged text is in that form.
//! - **Front matter: who owns which key.** The keys of [`ORGANISATION_KEYS`] belong to the
//!   organisation: `code`, `field`, `kind` (the procedure's identity in its own tree: file name and
//!   folder), `revision`, `effective_date` (set by its own publish), `owner` (its own position),
//!   `review_interval_months` (its own review cycle) and `upstream` (its record of the parent
//!   revision taken, which the service sets on publish). The merged file has them exactly as
//!   `ours` has them (present or absent), whatever upstream did, and they are never a conflict.
//!   Every other key (`title`, `tthc_code`, `processing_time`, `fee`, `legal_basis`,
//!   `iso_clauses`, `notes`, any future key) comes from upstream and merges like the body: an
//!   upstream change is taken, a local change is kept, different changes to the same key are a
//!   conflict in section [`FRONT_MATTER`].
//! - **Independent lines.** diff3 makes one conflict of changes on adjacent lines, as `git merge`
//!   does. In the front matter (one key a line) and in a hunk made only of table rows (one step or
//!   form a row), a hunk whose three sides have the same number of lines is settled line by line,
//!   and only the lines both sides changed differently stay in conflict. Prose keeps diff3's rule:
//!   edits to neighbouring lines of one paragraph are for a person to read together.
//! - **Sections.** Each [`Conflict`] names the heading (levels 1–3, outside code fences) it falls
//!   under, as the merged text has it; a conflict that starts with a heading is named by that
//!   heading as `ours` has it. Text before the first heading is [`PREAMBLE`].
//! - **Bounded cost.** See [`MAX_DIFF_LINES`].

use std::collections::HashSet;

use diffy::{IncompleteHunkStyle, MergeOptions};
use serde::{Deserialize, Serialize};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// The section of a conflict in the YAML front matter.
pub const FRONT_MATTER: &str = "front matter";
/// The section of a conflict in body text before the first heading.
pub const PREAMBLE: &str = "preamble";

/// Front matter keys owned by the organisation: the merged file keeps `ours`' value (module doc).
pub const ORGANISATION_KEYS: [&str; 8] =
    ["code", "field", "kind", "revision", "effective_date", "owner", "review_interval_months", "upstream"];

/// The most lines (of the two files, after their common first and last lines) one of the two diffs
/// may compare. Myers costs O((N + M) · D) for N + M such lines and D differing ones, so at most
/// O(MAX²): about 0.2 s for a complete rewrite of 4,000 lines against 4,000 (release build), where
/// a 512 KB file of short lines (≈ 250,000) rewritten on both sides would take minutes. Past it, the
/// differing middle of the file is one conflict, found in linear time. Every other step
/// (normalising, splitting the front matter, reading the hunks, naming sections) is linear in the
/// size of the three files. Corpus procedures have under 200 lines, so only a hostile or
/// wholesale-rewritten file reaches the limit.
pub const MAX_DIFF_LINES: usize = 8_000;

/// The length of conflict markers, unless a line of the inputs already looks like one.
const MARKER_LEN: usize = 7;

/// A place where `ours` and `theirs` changed the same lines differently. The strings are whole
/// lines, each ending with `\n` (empty for a side that deleted the lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The heading of the section the conflict is in, e.g. "5.7 Quy trình xử lý công việc", or
    /// [`FRONT_MATTER`] or [`PREAMBLE`].
    pub section: String,
    /// The lines as the upstream revision last taken has them.
    pub base: String,
    /// The lines as the organisation's current revision has them.
    pub ours: String,
    /// The lines as the new upstream revision has them.
    pub theirs: String,
}

/// The merged file; where [`Merged::conflicts`] is not empty, [`Merged::text`] holds each conflict
/// between `<<<<<<< ours` / `||||||| base` / `=======` / `>>>>>>> theirs` markers, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merged {
    /// The merged file: LF line ends, NFC, ending with a newline (see the module doc).
    pub text: String,
    pub conflicts: Vec<Conflict>,
}

impl Merged {
    /// True when nothing is left for a person to resolve.
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }
}

/// Merges `theirs` (the new upstream revision) into `ours` (the organisation's current revision),
/// `base` being the upstream revision `ours` was last brought up to date with. Each is a whole
/// procedure file. Never fails: what cannot be merged is a [`Conflict`].
pub fn merge(base: &str, ours: &str, theirs: &str) -> Merged {
    let ours = normalise(ours);
    let (base, theirs) = keep_organisation_keys(&normalise(base), &ours, &normalise(theirs));
    let marker_len = marker_len([&base, &ours, &theirs]);
    let diff3;
    let chunks = if ours == theirs || base == theirs {
        lines(&ours)
    } else if base == ours {
        lines(&theirs)
    } else if too_costly(&base, &ours) || too_costly(&base, &theirs) {
        one_conflict(&base, &ours, &theirs)
    } else {
        let mut options = MergeOptions::new();
        options.set_conflict_marker_length(marker_len).set_incomplete_hunk_style(IncompleteHunkStyle::Git);
        diff3 = options.merge(&base, &ours, &theirs).unwrap_or_else(|marked| marked);
        parse_diff3(&diff3, marker_len)
    };
    let mut writer = Writer { marker_len, ..Writer::default() };
    for chunk in chunks {
        writer.chunk(chunk);
    }
    Merged { text: writer.text, conflicts: writer.conflicts }
}

/// Whether `text` still holds a conflict marker line: seven or more `<` or `>` at the start of a
/// line followed by a space or the line end, or `|||||||` followed by a space (the base marker
/// with its label). A line of `=======` alone is not counted: it is also a Markdown heading
/// underline, and a conflict always has the other markers too.
pub fn has_conflict_markers(text: &str) -> bool {
    text.lines().any(|line| {
        [('<', false), ('>', false), ('|', true)].into_iter().any(|(c, needs_label)| {
            let rest = line.trim_start_matches(c);
            line.len() - rest.len() >= MARKER_LEN
                && (rest.starts_with([' ', '\t']) || (!needs_label && rest.trim_end().is_empty()))
        })
    })
}

/// A piece of the merged file: a settled line, or a hunk both sides changed.
enum Chunk<'a> {
    Line(&'a str),
    Conflict { base: Vec<&'a str>, ours: Vec<&'a str>, theirs: Vec<&'a str> },
}

fn lines(text: &str) -> Vec<Chunk<'_>> {
    text.split_inclusive('\n').map(Chunk::Line).collect()
}

fn normalise(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = if text.contains('\r') { text.replace("\r\n", "\n") } else { text.to_owned() };
    if is_nfc_quick(out.chars()) != IsNormalized::Yes {
        out = out.nfc().collect();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The front matter split at its top-level keys: each entry is a key's line with the lines that
/// continue it (indented lines, block list items, comments); the prologue before the first key
/// has no key. `tail` is the closing `---` and the body.
struct FrontMatterLines<'a> {
    entries: Vec<(Option<&'a str>, &'a str)>,
    tail: &'a str,
}

fn front_matter_lines(text: &str) -> Option<FrontMatterLines<'_>> {
    let rest = text.strip_prefix("---\n")?;
    let (mut entries, mut key, mut start, mut offset) = (Vec::new(), None, 0, 0);
    for line in rest.split_inclusive('\n') {
        let new_key = top_level_key(line);
        let closing = line.trim_end() == "---";
        if (closing || new_key.is_some()) && offset > start {
            entries.push((key, &rest[start..offset]));
            start = offset;
        }
        if closing {
            return Some(FrontMatterLines { entries, tail: &rest[offset..] });
        }
        key = new_key.or(key);
        offset += line.len();
    }
    None
}

impl<'a> FrontMatterLines<'a> {
    fn entry(&self, key: &str) -> Option<&'a str> {
        self.entries.iter().find(|(k, _)| *k == Some(key)).map(|e| e.1)
    }
}

fn top_level_key(line: &str) -> Option<&str> {
    let end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    let (key, rest) = line.split_at(end);
    let after_colon = rest.trim_start_matches(' ').strip_prefix(':')?;
    let is_key = !key.is_empty()
        && !key.starts_with('-')
        && (after_colon.is_empty() || after_colon.starts_with([' ', '\t', '\n']));
    is_key.then_some(key)
}

/// `base` and `theirs` with every organisation key made as `ours` has it, so that the line merge
/// sees no upstream change to them: the key's entry is replaced by ours' where all three have the
/// key, and removed from both otherwise (then `ours` alone has it, or nobody does).
fn keep_organisation_keys(base: &str, ours: &str, theirs: &str) -> (String, String) {
    let (Some(b), Some(o), Some(t)) = (front_matter_lines(base), front_matter_lines(ours), front_matter_lines(theirs))
    else {
        return (base.to_owned(), theirs.to_owned());
    };
    let rewrite = |fm: &FrontMatterLines<'_>| {
        let mut out = String::with_capacity(base.len().max(theirs.len()) + ours.len() / 4);
        out.push_str("---\n");
        for &(key, text) in &fm.entries {
            match key.filter(|k| ORGANISATION_KEYS.contains(k)) {
                None => out.push_str(text),
                Some(key) => {
                    if let (Some(own), Some(_), Some(_)) = (o.entry(key), b.entry(key), t.entry(key)) {
                        out.push_str(own);
                    }
                }
            }
        }
        out.push_str(fm.tail);
        out
    };
    (rewrite(&b), rewrite(&t))
}

/// The shortest marker length, from seven, that no line of the inputs already uses as one of the
/// marker lines `diffy` writes, so that reading them back cannot mistake a line of text for one.
fn marker_len(texts: [&str; 3]) -> usize {
    let mut taken = HashSet::new();
    for line in texts.iter().flat_map(|t| t.lines()) {
        for (c, label) in [('<', " ours"), ('|', " original"), ('=', ""), ('>', " theirs")] {
            let run = line.len() - line.trim_start_matches(c).len();
            if run >= MARKER_LEN && &line[run..] == label {
                taken.insert(run);
            }
        }
    }
    (MARKER_LEN..).find(|n| !taken.contains(n)).unwrap_or(MARKER_LEN)
}

/// Whether diffing `a` against `b` would compare more than [`MAX_DIFF_LINES`] lines.
fn too_costly(a: &str, b: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    a.len() + b.len() - 2 * (prefix + suffix) > MAX_DIFF_LINES
}

/// The fallback past [`MAX_DIFF_LINES`]: the lines all three share at the start and the end, and
/// everything between as one conflict.
fn one_conflict<'a>(base: &'a str, ours: &'a str, theirs: &'a str) -> Vec<Chunk<'a>> {
    let [b, o, t] = [base, ours, theirs].map(|s| s.split_inclusive('\n').collect::<Vec<_>>());
    let shortest = b.len().min(o.len()).min(t.len());
    let prefix = (0..shortest).take_while(|&i| b[i] == o[i] && o[i] == t[i]).count();
    let suffix = (1..=shortest - prefix)
        .take_while(|&i| b[b.len() - i] == o[o.len() - i] && o[o.len() - i] == t[t.len() - i])
        .count();
    let mut chunks: Vec<_> = o[..prefix].iter().map(|line| Chunk::Line(line)).collect();
    let middle = |side: &[&'a str]| side[prefix..side.len() - suffix].to_vec();
    chunks.push(Chunk::Conflict { base: middle(&b), ours: middle(&o), theirs: middle(&t) });
    chunks.extend(o[o.len() - suffix..].iter().map(|line| Chunk::Line(line)));
    chunks
}

/// Reads `diffy`'s output back into settled lines and conflicts (diff3 style, markers of
/// `marker_len`, which no input line matches).
fn parse_diff3(text: &str, marker_len: usize) -> Vec<Chunk<'_>> {
    let marker = |c: char, label: &str| format!("{}{label}\n", c.to_string().repeat(marker_len));
    let markers = [marker('<', " ours"), marker('|', " original"), marker('=', ""), marker('>', " theirs")];
    let mut chunks = Vec::new();
    // While inside a conflict: which side is being read (0 ours, 1 base, 2 theirs).
    let (mut side, mut sides): (Option<usize>, [Vec<&str>; 3]) = (None, Default::default());
    for line in text.split_inclusive('\n') {
        match side {
            None if line == markers[0] => side = Some(0),
            None => chunks.push(Chunk::Line(line)),
            Some(i) if i < 2 && line == markers[i + 1] => side = Some(i + 1),
            Some(2) if line == markers[3] => {
                let [ours, base, theirs] = std::mem::take(&mut sides);
                chunks.push(Chunk::Conflict { base, ours, theirs });
                side = None;
            }
            Some(i) => sides[i].push(line),
        }
    }
    chunks
}

/// Where in the document the merged text has got to.
#[derive(Default)]
struct Place {
    started: bool,
    in_front_matter: bool,
    /// The first byte of the open code fence (`` ` `` or `~`), if inside one.
    fence: Option<u8>,
    section: Option<String>,
}

impl Place {
    fn pass(&mut self, line: &str) {
        let first = !std::mem::replace(&mut self.started, true);
        let is_fence_line = line.trim_end() == "---";
        if self.in_front_matter || (first && is_fence_line) {
            self.in_front_matter = first || !is_fence_line;
            return;
        }
        let trimmed = line.trim_start();
        let fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f)).map(|f| f.as_bytes()[0]);
        match (self.fence, fence) {
            (Some(open), Some(this)) if open == this => self.fence = None,
            (None, Some(this)) => self.fence = Some(this),
            (None, None) => {
                if let Some(heading) = heading(line) {
                    self.section = Some(heading.to_owned());
                }
            }
            _ => {}
        }
    }

    /// The section of a conflict whose first line (on the first side that has lines) is `first`.
    fn section_of(&self, first: Option<&str>) -> String {
        let opens_file = !self.started && first.is_some_and(|l| l.trim_end() == "---");
        if self.in_front_matter || opens_file {
            return FRONT_MATTER.to_owned();
        }
        match first.filter(|_| self.fence.is_none()).and_then(heading) {
            Some(heading) => heading.to_owned(),
            None => self.section.clone().unwrap_or_else(|| PREAMBLE.to_owned()),
        }
    }
}

/// The text of an ATX heading of level 1 to 3 (`## 5. Nội dung quy trình` → `5. Nội dung quy trình`).
fn heading(line: &str) -> Option<&str> {
    let line = line.trim_end();
    let rest = line.trim_start_matches(' ');
    let text = rest.trim_start_matches('#');
    let level = rest.len() - text.len();
    if line.len() - rest.len() > 3 || !(1..=3).contains(&level) || !text.starts_with([' ', '\t']) {
        return None;
    }
    let text = text.trim();
    let unclosed = text.trim_end_matches('#');
    Some(if unclosed.ends_with([' ', '\t']) { unclosed.trim_end() } else { text })
}

#[derive(Default)]
struct Writer {
    text: String,
    conflicts: Vec<Conflict>,
    place: Place,
    marker_len: usize,
}

impl Writer {
    fn chunk(&mut self, chunk: Chunk<'_>) {
        match chunk {
            Chunk::Line(line) => self.line(line),
            Chunk::Conflict { base, ours, theirs } => {
                let same_shape = ours.len() == base.len() && theirs.len() == base.len();
                let all_lines = || base.iter().chain(&ours).chain(&theirs);
                // A hunk that reaches the closing `---` also holds body lines, which keep diff3's rule.
                let keys = || self.place.in_front_matter && !all_lines().any(|l| l.trim_end() == "---");
                let rows = || all_lines().all(|l| l.trim_start().starts_with('|'));
                if same_shape && (keys() || rows()) {
                    self.line_by_line(&base, &ours, &theirs);
                } else {
                    self.conflict(&base, &ours, &theirs);
                }
            }
        }
    }

    fn line(&mut self, line: &str) {
        self.place.pass(line);
        self.text.push_str(line);
    }

    /// Settles each line of a hunk on its own; runs of lines both sides changed differently stay
    /// in conflict.
    fn line_by_line(&mut self, base: &[&str], ours: &[&str], theirs: &[&str]) {
        let mut start = None;
        for i in 0..=base.len() {
            let settled = (i < base.len()).then(|| match (base[i], ours[i], theirs[i]) {
                (_, o, t) if o == t => Some(o),
                (b, o, t) if t == b => Some(o),
                (b, o, t) if o == b => Some(t),
                _ => None,
            });
            match (settled, start) {
                (Some(None), None) => start = Some(i),
                (Some(None), Some(_)) => {}
                (settled, _) => {
                    if let Some(from) = start.take() {
                        self.conflict(&base[from..i], &ours[from..i], &theirs[from..i]);
                    }
                    if let Some(Some(line)) = settled {
                        self.line(line);
                    }
                }
            }
        }
    }

    fn conflict(&mut self, base: &[&str], ours: &[&str], theirs: &[&str]) {
        let first = [ours, base, theirs].into_iter().find_map(|side| side.first().copied());
        let section = self.place.section_of(first);
        let marker = |c: char| c.to_string().repeat(self.marker_len);
        let (ours, base, theirs) = (ours.concat(), base.concat(), theirs.concat());
        self.text.push_str(&format!("{} ours\n{ours}", marker('<')));
        self.text.push_str(&format!("{} base\n{base}", marker('|')));
        self.text.push_str(&format!("{}\n{theirs}{} theirs\n", marker('='), marker('>')));
        // What follows the conflict is placed as in the organisation's own text.
        for line in ours.split_inclusive('\n') {
            self.place.pass(line);
        }
        self.conflicts.push(Conflict { section, base, ours, theirs });
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::{Duration, Instant};

    use super::*;

    const BASE: &str = "---
code: QT-HTI-01
title: Đăng ký khai sinh
field: HTI
kind: operational
revision: 2
effective_date: 2020-01-01
owner: Công chức Tư pháp - Hộ tịch
review_interval_months: 12
processing_time: { working_days: 1, note: \"Trong ngày\" }
fee: \"Miễn phí\"
legal_basis: [LUAT-HOTICH-2014, ND-123-2015]
iso_clauses: [\"8.1\", \"8.5\"]
---

## 1. Mục đích

Quy định cách tiếp nhận và giải quyết yêu cầu đăng ky khai sinh tại UBND xã.

## 2. Phạm vi

Đơn vị ban hành và áp dụng: UBND xã Quảng Ngạn.

Áp dụng cho trẻ em sinh ra mà cha hoặc mẹ cư trú tại xã.

## 5. Nội dung quy trình

### 5.2 Thành phần hồ sơ

#### a) Giấy tờ phải nộp

1. Tờ khai đăng ký khai sinh.
2. Giấy chứng sinh (bản chính).
3. Văn bản ủy quyền (nếu có).

### 5.4 Thời gian xử lý

Trong ngày làm việc tiếp nhận đủ hồ sơ hợp lệ.

### 5.7 Quy trình xử lý công việc

| Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả |
|---|---|---|---|---|
| 1 | Tiếp nhận hồ sơ | CC TP-HT | 1 giờ | Sổ theo dõi hồ sơ |
| 2 | Kiểm tra nội dung khai | CC TP-HT | 2 giờ | Phiếu kiểm tra |
| 3 | Ký Giấy khai sinh | Chủ tịch UBND xã | 3 giờ | GKS đã ký |
| 4 | Trả kết quả | CC TP-HT | 2 giờ | GKS |

## 6. Biểu mẫu

| TT | Mã/Số hiệu | Tên biểu mẫu |
|---|---|---|
| 1 | Mẫu TT 15/2015/TT-BTP | Tờ khai đăng ký khai sinh |
";

    type Edit = (&'static str, &'static str);

    const LOCAL_SCOPE: Edit = ("UBND xã Quảng Ngạn.", "UBND xã Quảng Ngạn, huyện Quảng Điền.");
    const UPSTREAM_SCOPE: Edit = ("UBND xã Quảng Ngạn.", "UBND cấp xã trên địa bàn tỉnh.");
    const UPSTREAM_PURPOSE: Edit = ("khai sinh tại UBND xã.", "khai sinh tại UBND xã, đúng thẩm quyền, đúng hạn.");
    const UPSTREAM_TONE: Edit = ("đăng ky khai sinh", "đăng ký khai sinh");
    const LOCAL_TIME: Edit = ("hồ sơ hợp lệ.\n", "hồ sơ hợp lệ; nhận sau 16 giờ thì trả sáng hôm sau.\n");
    const UPSTREAM_TIME: Edit =
        ("hồ sơ hợp lệ.\n", "hồ sơ hợp lệ; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo.\n");
    const LOCAL_ITEM: Edit = ("(bản chính).", "(bản chính hoặc bản sao có chứng thực).");
    const UPSTREAM_ITEM: Edit = ("(bản chính).", "(bản chính; không có thì văn bản của người làm chứng).");
    const LOCAL_FIRST_ITEM: Edit = ("1. Tờ khai đăng ký khai sinh.", "1. Tờ khai đăng ký khai sinh (theo mẫu).");
    const UPSTREAM_DROP_ITEM: Edit = ("3. Văn bản ủy quyền (nếu có).\n", "");
    const ROW_1: Edit = ("| 1 | Tiếp nhận hồ sơ |", "| 1 | Tiếp nhận hồ sơ tại Bộ phận TN&TKQ |");
    const ROW_2: Edit = ("| 2 | Kiểm tra nội dung khai |", "| 2 | Kiểm tra nội dung khai; tra cứu Sổ |");
    const OTHER_ROW_2: Edit = ("| 2 | Kiểm tra nội dung khai |", "| 2 | Kiểm tra tính hợp lệ của nội dung khai |");
    const ROW_3: Edit = ("| 3 | Ký Giấy khai sinh |", "| 3 | Xem xét, ký Giấy khai sinh |");
    const ROW_4: Edit = ("| 4 | Trả kết quả |", "| 4 | Trả kết quả, thu lệ phí (nếu có) |");
    const ROW_ADDED: Edit = ("| GKS |\n", "| GKS |\n| 5 | Lưu hồ sơ | CC TP-HT | 0 giờ | Hồ sơ lưu |\n");
    const LOCAL_PROCESSING_TIME: Edit = ("note: \"Trong ngày\"", "note: \"Trong ngày; sau 16 giờ trả sáng hôm sau\"");
    const LOCAL_FEE: Edit = ("fee: \"Miễn phí\"", "fee: \"Miễn phí (đúng hạn); quá hạn 5.000 đồng\"");
    const UPSTREAM_FEE: Edit = ("fee: \"Miễn phí\"", "fee: \"Miễn lệ phí\"");
    const UPSTREAM_LEGAL_BASIS: Edit = ("ND-123-2015]", "ND-123-2015, TT-04-2020-BTP]");
    const LOCAL_HEADING: Edit = ("## 1. Mục đích\n", "## 1. Mục đích và yêu cầu\n");
    const UPSTREAM_HEADING: Edit = ("## 1. Mục đích\n", "## 1. Mục đích áp dụng\n");

    /// `text` with each edit made once; panics when the text to replace is not there.
    fn edit(text: &str, edits: &[Edit]) -> String {
        edits.iter().fold(text.to_owned(), |text, (from, to)| {
            assert!(text.contains(from), "{from:?} is not in the text");
            text.replacen(from, to, 1)
        })
    }

    #[test]
    fn identical_inputs_give_the_same_text() {
        for text in [BASE, "", "Một dòng không có dấu xuống dòng\n"] {
            let merged = merge(text, text, text);
            assert_eq!(merged, Merged { text: text.to_owned(), conflicts: vec![] });
        }
    }

    #[test]
    fn a_clean_merge_keeps_both_sides() {
        // (case, ours' edits, theirs' edits)
        let cases: &[(&str, &[Edit], &[Edit])] = &[
            ("only upstream changed: the change is taken", &[], &[UPSTREAM_TIME]),
            ("only the organisation changed: the local adaptation survives", &[LOCAL_SCOPE], &[]),
            ("the same change on both sides is taken once", &[UPSTREAM_TIME], &[UPSTREAM_TIME]),
            ("changes in different sections", &[LOCAL_SCOPE], &[UPSTREAM_PURPOSE, UPSTREAM_TIME]),
            ("changes to different lines of one section", &[LOCAL_FIRST_ITEM], &[UPSTREAM_DROP_ITEM]),
            ("neighbouring step rows", &[ROW_2], &[ROW_3]),
            ("distant step rows", &[ROW_1], &[ROW_4]),
            ("three neighbouring rows, alternately", &[ROW_1, ROW_3], &[OTHER_ROW_2, ROW_4]),
            ("a step added upstream, a sentence changed locally", &[LOCAL_SCOPE], &[ROW_ADDED]),
            ("neighbouring front matter keys", &[LOCAL_PROCESSING_TIME], &[UPSTREAM_FEE, UPSTREAM_LEGAL_BASIS]),
            ("front matter upstream, body locally", &[LOCAL_TIME], &[UPSTREAM_FEE]),
            ("a tone mark corrected upstream, a word added locally", &[LOCAL_SCOPE], &[UPSTREAM_TONE]),
        ];
        for (name, ours, theirs) in cases {
            let expected = if ours == theirs { edit(BASE, ours) } else { edit(&edit(BASE, ours), theirs) };
            let merged = merge(BASE, &edit(BASE, ours), &edit(BASE, theirs));
            assert_eq!(merged.conflicts, vec![], "{name}");
            assert_eq!(merged.text, expected, "{name}");
            assert!(!has_conflict_markers(&merged.text), "{name}");
        }
    }

    #[test]
    fn different_changes_to_the_same_lines_are_conflicts_named_by_section() {
        // (case, ours' edits, theirs' edits, the sections of the conflicts in order)
        type Case = (&'static str, &'static [Edit], &'static [Edit], &'static [&'static str]);
        let cases: &[Case] = &[
            ("the same sentence", &[LOCAL_TIME], &[UPSTREAM_TIME], &["5.4 Thời gian xử lý"]),
            ("the same step row", &[ROW_2], &[OTHER_ROW_2], &["5.7 Quy trình xử lý công việc"]),
            ("a line under a level-4 heading", &[LOCAL_ITEM], &[UPSTREAM_ITEM], &["5.2 Thành phần hồ sơ"]),
            ("neighbouring lines of prose or a list", &[LOCAL_ITEM], &[UPSTREAM_DROP_ITEM], &["5.2 Thành phần hồ sơ"]),
            ("the same front matter key", &[LOCAL_FEE], &[UPSTREAM_FEE], &[FRONT_MATTER]),
            ("a heading renamed both ways", &[LOCAL_HEADING], &[UPSTREAM_HEADING], &["1. Mục đích và yêu cầu"]),
            (
                "two sections at once, in order",
                &[LOCAL_SCOPE, ROW_2],
                &[UPSTREAM_SCOPE, OTHER_ROW_2, ROW_3],
                &["2. Phạm vi", "5.7 Quy trình xử lý công việc"],
            ),
        ];
        for (name, ours, theirs, expected) in cases {
            let merged = merge(BASE, &edit(BASE, ours), &edit(BASE, theirs));
            let sections: Vec<_> = merged.conflicts.iter().map(|c| c.section.as_str()).collect();
            assert_eq!(sections, *expected, "{name}");
            assert!(has_conflict_markers(&merged.text), "{name}");
            for conflict in &merged.conflicts {
                let block = format!(
                    "<<<<<<< ours\n{}||||||| base\n{}=======\n{}>>>>>>> theirs\n",
                    conflict.ours, conflict.base, conflict.theirs
                );
                assert!(merged.text.contains(&block), "{name}: {block}");
                assert_ne!(conflict.ours, conflict.theirs, "{name}");
            }
        }
    }

    #[test]
    fn a_conflict_is_marked_in_the_text_and_resolving_it_clears_the_markers() {
        let (ours, theirs) = (edit(BASE, &[LOCAL_TIME]), edit(BASE, &[UPSTREAM_TIME]));
        let merged = merge(BASE, &ours, &theirs);
        let line = |edit: Edit| {
            BASE.lines().find(|l| l.contains(edit.0.trim_end())).unwrap().replace(edit.0.trim_end(), edit.1.trim_end())
                + "\n"
        };
        let (b, o, t) = (line(("hồ sơ hợp lệ.", "hồ sơ hợp lệ.")), line(LOCAL_TIME), line(UPSTREAM_TIME));
        let block = format!("<<<<<<< ours\n{o}||||||| base\n{b}=======\n{t}>>>>>>> theirs\n");
        assert_eq!(merged.text, BASE.replacen(&b, &block, 1));
        let section = "5.4 Thời gian xử lý".to_owned();
        assert_eq!(merged.conflicts, vec![Conflict { section, base: b, ours: o.clone(), theirs: t }]);
        assert!(!merged.is_clean() && has_conflict_markers(&merged.text));
        let resolved = merged.text.replacen(&block, &o, 1);
        assert!(!has_conflict_markers(&resolved));
        assert_eq!(resolved, ours);
    }

    #[test]
    fn only_the_rows_both_sides_changed_stay_in_conflict() {
        let ours = edit(BASE, &[ROW_1, ROW_2]);
        let theirs = edit(BASE, &[OTHER_ROW_2, ROW_3]);
        let merged = merge(BASE, &ours, &theirs);
        let [conflict] = merged.conflicts.as_slice() else { panic!("{:?}", merged.conflicts) };
        assert!(conflict.ours.starts_with(ROW_2.1) && conflict.ours.lines().count() == 1, "{conflict:?}");
        assert!(conflict.theirs.starts_with(OTHER_ROW_2.1) && conflict.theirs.lines().count() == 1);
        assert!(merged.text.contains(ROW_1.1) && merged.text.contains(ROW_3.1));
    }

    #[test]
    fn the_organisation_keeps_its_own_keys_and_takes_upstream_ones() {
        let ours = edit(
            BASE,
            &[
                ("revision: 2\n", "revision: 3\n"),
                ("effective_date: 2020-01-01", "effective_date: 2024-06-01"),
                (
                    "review_interval_months: 12\n",
                    "review_interval_months: 6\nupstream:\n  org: tinh-tth\n  revision: 2\n",
                ),
            ],
        );
        let title: Edit = ("title: Đăng ký khai sinh\n", "title: Đăng ký khai sinh đúng hạn\n");
        let theirs = edit(
            BASE,
            &[
                ("code: QT-HTI-01", "code: QT-HTI-05"),
                title,
                ("revision: 2\n", "revision: 7\n"),
                ("effective_date: 2020-01-01", "effective_date: 2026-03-01"),
                ("owner: Công chức Tư pháp - Hộ tịch\n", "owner: Phòng Tư pháp\n"),
                ("review_interval_months: 12\n", "review_interval_months: 24\n"),
                UPSTREAM_LEGAL_BASIS,
            ],
        );
        let merged = merge(BASE, &ours, &theirs);
        assert_eq!(merged.conflicts, vec![]);
        assert_eq!(merged.text, edit(&ours, &[title, UPSTREAM_LEGAL_BASIS]));

        // Upstream dropping an organisation key, or adding one, changes nothing here.
        let theirs = edit(
            BASE,
            &[("owner: Công chức Tư pháp - Hộ tịch\n", ""), ("fee: ", "upstream:\n  org: trung-uong\nfee: ")],
        );
        assert_eq!(merge(BASE, BASE, &theirs), Merged { text: BASE.to_owned(), conflicts: vec![] });
        // The organisation dropping one of its keys is kept too, even where upstream changed it.
        let ours = edit(BASE, &[("revision: 2\n", "")]);
        let merged = merge(BASE, &ours, &edit(BASE, &[("revision: 2\n", "revision: 9\n"), UPSTREAM_FEE]));
        assert_eq!(merged.text, edit(&ours, &[UPSTREAM_FEE]));
    }

    #[test]
    fn sections_are_named_from_the_headings_before_the_conflict() {
        let base = "---\ntitle: A\n---\nLời nói đầu.\n\n## 1. Mục đích\n\n```text\n## không phải tiêu đề\n```\n\
                    Dòng trong mục 1.\n\n### 1.1 Chi tiết ###\n\nDòng trong mục 1.1.\n\n#### a) Nhỏ\n\nDòng dưới tiêu đề cấp 4.\n";
        let side = |tag: &str| {
            ["title: A", "Lời nói đầu.", "Dòng trong mục 1.\n", "Dòng dưới tiêu đề cấp 4."].iter().fold(
                base.to_owned(),
                |text, line| {
                    text.replacen(line, &format!("{} {tag}{}", line.trim_end(), &line[line.trim_end().len()..]), 1)
                },
            )
        };
        let merged = merge(base, &side("(xã)"), &side("(tỉnh)"));
        let sections: Vec<_> = merged.conflicts.iter().map(|c| c.section.as_str()).collect();
        assert_eq!(sections, [FRONT_MATTER, PREAMBLE, "1. Mục đích", "1.1 Chi tiết"]);
    }

    #[test]
    fn line_ends_byte_order_marks_and_final_newlines_are_not_changes() {
        let crlf = |s: &str| s.replace('\n', "\r\n");
        let theirs = edit(BASE, &[UPSTREAM_TIME]);
        let ours = format!("\u{feff}{}", crlf(&edit(BASE, &[LOCAL_SCOPE])));
        let merged = merge(&crlf(BASE), &ours, &theirs);
        assert_eq!(merged, Merged { text: edit(BASE, &[LOCAL_SCOPE, UPSTREAM_TIME]), conflicts: vec![] });
        for ours in [crlf(BASE), BASE.trim_end().to_owned(), format!("\u{feff}{BASE}")] {
            assert_eq!(merge(BASE, &ours, &theirs), Merged { text: theirs.clone(), conflicts: vec![] });
        }
    }

    #[test]
    fn decomposed_vietnamese_is_the_same_text() {
        let decomposed: String = edit(BASE, &[LOCAL_SCOPE]).nfd().collect();
        assert_ne!(decomposed, edit(BASE, &[LOCAL_SCOPE]));
        let merged = merge(BASE, &decomposed, &edit(BASE, &[UPSTREAM_TONE, UPSTREAM_TIME]));
        assert_eq!(merged.conflicts, vec![]);
        assert_eq!(merged.text, edit(BASE, &[LOCAL_SCOPE, UPSTREAM_TONE, UPSTREAM_TIME]));
    }

    #[test]
    fn lines_that_look_like_markers_are_text() {
        let base = format!("{BASE}\n## 8. Phụ lục\n\n<<<<<<< ours\nDòng X.\n");
        let ours = base.replace("Dòng X.\n", "Phụ lục A\n=======\n");
        let merged = merge(&base, &ours, &base.replace("Dòng X.", "Dòng Z."));
        let [conflict] = merged.conflicts.as_slice() else { panic!("{:?}", merged.conflicts) };
        assert_eq!((conflict.section.as_str(), conflict.ours.as_str()), ("8. Phụ lục", "Phụ lục A\n=======\n"));
        assert_eq!((conflict.base.as_str(), conflict.theirs.as_str()), ("Dòng X.\n", "Dòng Z.\n"));
        assert!(merged.text.ends_with(
            "<<<<<<< ours\n<<<<<<<< ours\nPhụ lục A\n=======\n|||||||| base\nDòng X.\n========\nDòng Z.\n>>>>>>>> theirs\n"
        ));
    }

    #[test]
    fn conflict_markers_are_recognised_and_markdown_is_not() {
        let cases = [
            ("## 1. Mục đích\n| 1 | Tiếp nhận |\n", false),
            ("Tiêu đề\n=======\n", false),
            ("| | |\n|||||||\n", false),
            ("<<<<<< sáu dấu\n> > trích dẫn\n", false),
            ("<<<<<<< ours\nA\n=======\nB\n>>>>>>> theirs\n", true),
            ("A\n>>>>>>> theirs\n", true),
            ("A\r\n||||||| base\r\n", true),
            ("<<<<<<<\n", true),
            ("<<<<<<<< ours\n", true),
        ];
        for (text, expected) in cases {
            assert_eq!(has_conflict_markers(text), expected, "{text:?}");
        }
    }

    #[test]
    fn a_huge_rewrite_on_both_sides_is_one_conflict_found_quickly() {
        let lines = |tag: &str| (0..20_000).map(|i| format!("| {i} | {tag} |\n")).collect::<String>();
        let file = |tag: &str| format!("## 5. Nội dung quy trình\n\n{}\n## 6. Biểu mẫu\n", lines(tag));
        let start = Instant::now();
        let merged = merge(&file("gốc"), &file("xã"), &file("tỉnh"));
        assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
        let [conflict] = merged.conflicts.as_slice() else { panic!("{} conflicts", merged.conflicts.len()) };
        assert_eq!((conflict.section.as_str(), &conflict.ours), ("5. Nội dung quy trình", &lines("xã")));
        assert!(merged.text.starts_with("## 5. Nội dung quy trình\n\n<<<<<<< ours\n| 0 | xã |\n"));
        assert!(merged.text.ends_with(">>>>>>> theirs\n\n## 6. Biểu mẫu\n"));
    }

    #[test]
    fn a_long_file_with_far_apart_edits_still_merges_cleanly() {
        let base: String = (0..50_000).map(|i| format!("Dòng số {i}.\n")).collect();
        let ours = base.replacen("Dòng số 100.\n", "Dòng số 100 (xã).\n", 1);
        let theirs = base.replacen("Dòng số 40000.\n", "Dòng số 40000 (tỉnh).\n", 1);
        let merged = merge(&base, &ours, &theirs);
        assert!(merged.is_clean());
        assert_eq!(merged.text, ours.replacen("Dòng số 40000.\n", "Dòng số 40000 (tỉnh).\n", 1));
    }

    fn corpus() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("procedures")
    }

    fn assert_valid_procedure(reference: &crate::check::Reference, path: &Path, text: &str) {
        // The checker wants the path inside the corpus: <FIELD>/<CODE>.md.
        let path = path.strip_prefix(corpus()).unwrap();
        let file = crate::check::SourceFile { path: path.to_owned(), text: text.to_owned() };
        let (_, problems) = crate::check::check_document(&file, reference);
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
        crate::markdown::parse_document(text).unwrap();
    }

    /// Every procedure of the corpus: upstream adds a sentence to §1, retitles it and raises its
    /// revision; the commune rewrites the issuing body in §2 and publishes its own revision.
    #[test]
    fn every_corpus_procedure_takes_an_upstream_edit_beside_a_local_one_and_stays_valid() {
        let reference = crate::check::load_reference(&corpus());
        let mut merged_files = 0;
        for folder in std::fs::read_dir(corpus()).unwrap() {
            let folder = folder.unwrap().path();
            let Ok(files) = std::fs::read_dir(&folder) else { continue };
            for path in files.map(|f| f.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "md")) {
                let base = std::fs::read_to_string(&path).unwrap();
                let title = base.lines().find(|l| l.starts_with("title: ")).unwrap().to_owned() + "\n";
                let retitled = title.replace('\n', " (cập nhật 2026)\n");
                let sentence = "## 1. Mục đích\n\nCập nhật theo danh mục TTHC do UBND tỉnh công bố năm 2026.\n\n";
                let upstream =
                    [("## 1. Mục đích\n\n", sentence), ("revision: 1\n", "revision: 4\n"), (&title, &retitled)];
                let theirs = upstream.iter().fold(base.clone(), |t, (from, to)| t.replacen(from, to, 1));
                let issuer = "UBND xã Quảng Ngạn, huyện Quảng Điền, tỉnh Thừa Thiên Huế.\n";
                let ours = edit(
                    &base,
                    &[
                        (issuer, "UBND xã Quảng Ngạn, thành phố Huế (trước đây huyện Quảng Điền).\n"),
                        ("revision: 1\n", "revision: 2\n"),
                    ],
                );
                let merged = merge(&base, &ours, &theirs);
                assert_eq!(merged.conflicts, vec![], "{}", path.display());
                let expected = [("## 1. Mục đích\n\n", sentence), (&title, &retitled)]
                    .iter()
                    .fold(ours.clone(), |t, (from, to)| t.replacen(from, to, 1));
                assert_eq!(merged.text, expected, "{}", path.display());
                assert_valid_procedure(&reference, &path, &merged.text);
                merged_files += 1;
            }
        }
        assert_eq!(merged_files, 92);
    }

    /// QT-HTI-01: neighbouring step rows and neighbouring front matter keys changed one on each
    /// side merge cleanly; the same row changed on both sides is a conflict in §5.7.
    #[test]
    fn a_corpus_step_table_merges_row_by_row() {
        let reference = crate::check::load_reference(&corpus());
        let path = corpus().join("HTI/QT-HTI-01.md");
        let base = std::fs::read_to_string(&path).unwrap();
        let row_5: Edit =
            ("| 5 | Đóng dấu, vào sổ văn bản đi |", "| 5 | Đóng dấu, vào sổ văn bản đi; scan lưu bản điện tử |");
        let row_6: Edit = ("| 6 | Người đi đăng ký kiểm tra lại", "| 6 | Người yêu cầu đăng ký kiểm tra lại");
        let fee: Edit = ("fee: \"Miễn lệ phí", "fee: \"Miễn phí");
        let tthc: Edit = ("tthc_code: \"1.001193\"", "tthc_code: \"1.001193.000.00.00.H57\"");
        let ours = edit(&base, &[row_6, tthc]);
        let theirs = edit(&base, &[row_5, fee]);
        let merged = merge(&base, &ours, &theirs);
        assert_eq!(merged.conflicts, vec![]);
        assert_eq!(merged.text, edit(&ours, &[row_5, fee]));
        assert_valid_procedure(&reference, &path, &merged.text);

        let other_row_6: Edit = ("| 6 | Người đi đăng ký kiểm tra lại", "| 6 | Công dân kiểm tra lại");
        let merged = merge(&base, &ours, &edit(&base, &[other_row_6, row_5]));
        let sections: Vec<_> = merged.conflicts.iter().map(|c| c.section.as_str()).collect();
        assert_eq!(sections, ["5.7 Quy trình xử lý công việc"]);
        assert!(merged.text.contains(row_5.1) && has_conflict_markers(&merged.text));
    }
}
