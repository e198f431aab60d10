//! Generated corpora: the real procedures, multiplied under synthetic fields and codes, each file
//! valid for `qms check` (so the importer takes it) and distinct (code and title differ).

use std::path::Path;

/// Procedures per field folder. Every commit rewrites the tree of the folder it changes, so a
/// publish costs more in a wider folder whatever the history's length; the corpora keep both
/// widths to tell the two apart.
pub const WIDE_FIELD: usize = 900;
/// The last field of a corpus larger than this holds this many procedures: as many as the
/// 100-procedure corpus's only field.
pub const NARROW_FIELD: usize = 100;

/// How many procedures each field holds: fields of `WIDE_FIELD`, then one of `NARROW_FIELD`.
fn field_sizes(n: usize) -> Vec<usize> {
    if n <= NARROW_FIELD {
        return vec![n];
    }
    let wide = n - NARROW_FIELD;
    let mut sizes: Vec<usize> =
        (0..wide.div_ceil(WIDE_FIELD)).map(|f| (wide - f * WIDE_FIELD).min(WIDE_FIELD)).collect();
    sizes.push(NARROW_FIELD);
    sizes
}

/// Writes a procedure tree of `n` procedures to `dir`, from the real corpus at `source`.
pub fn generate(source: &Path, dir: &Path, n: usize) {
    let templates: Vec<String> = qms::check::check_tree(source)
        .expect("the corpus")
        .files
        .into_iter()
        .filter(|f| !f.path.starts_with("HT"))
        .map(|f| f.text)
        .collect();
    std::fs::copy(source.join("legal-bases.yaml"), dir.join("legal-bases.yaml")).unwrap();
    let sizes = field_sizes(n);
    let mut yaml = String::new();
    for f in 0..sizes.len() {
        let code = field_code(f);
        yaml.push_str(&format!("- code: {code}\n  name_vi: Lĩnh vực thử {f}\n  name_en: Test field {f}\n"));
    }
    std::fs::write(dir.join("fields.yaml"), yaml).unwrap();
    let mut i = 0;
    for (f, size) in sizes.into_iter().enumerate() {
        let field = field_code(f);
        let folder = dir.join(&field);
        std::fs::create_dir_all(&folder).unwrap();
        for number in 1..=size {
            let code = format!("QT-{field}-{number:03}");
            // Every field starts from the first template, so the field of 100 holds the same
            // procedures (code and title aside) in every corpus and publishing into it compares
            // like with like: bodies differ in length and structure, and with them the cost of
            // rendering, checking and indexing a revision.
            let text = rewrite(&templates[(number - 1) % templates.len()], &code, &field, i);
            std::fs::write(folder.join(format!("{code}.md")), text).unwrap();
            i += 1;
        }
    }
}

/// BAAA, BAAB, …: four letters, never a real field code.
fn field_code(i: usize) -> String {
    let letters = |k: usize| (b'A' + (k % 26) as u8) as char;
    format!("B{}{}{}", letters(i / 676), letters(i / 26), letters(i))
}

fn rewrite(template: &str, code: &str, field: &str, i: usize) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    for line in template.lines() {
        if line.starts_with("code:") {
            out.push_str(&format!("code: {code}"));
        } else if line.starts_with("field:") {
            out.push_str(&format!("field: {field}"));
        } else if let Some(title) = line.strip_prefix("title:") {
            let title = title.trim();
            let plain = title.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(title);
            out.push_str(&format!("title: \"{} (bản {i})\"", plain.replace('"', "'")));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
