//! Danh mục tài liệu nội bộ: the master list of controlled documents, as a page and as CSV.

use actix_web::HttpResponse;

use super::session::Reader;
use super::views::MasterListPage;
use crate::domain::ProcedureStatus;
use crate::error::{AppError, AppResult};
use crate::service::catalog;
use crate::service::ports::{ProcedureFilter, ProcedureRecord};
use crate::web_common::blocking;

fn status_key(status: ProcedureStatus) -> &'static str {
    match status {
        ProcedureStatus::Effective => "status.effective",
        ProcedureStatus::Obsolete => "status.obsolete",
    }
}

async fn rows(reader: &Reader) -> AppResult<Vec<(ProcedureRecord, String, &'static str)>> {
    let state = reader.org.clone();
    let lang = reader.lang.code();
    blocking(move || {
        let s = &state;
        let fields = catalog::fields(s)?;
        let mut out = Vec::new();
        let mut filter = ProcedureFilter { limit: 500, ..Default::default() };
        loop {
            let (page, total) = catalog::procedures(s, &filter)?;
            let done = page.is_empty() || filter.offset + page.len() as i64 >= total;
            filter.offset += page.len() as i64;
            for p in page {
                let name = fields
                    .iter()
                    .find(|f| f.field.code == p.field)
                    .map_or(p.field.clone(), |f| f.field.name(lang).to_owned());
                let key = status_key(p.status);
                out.push((p, name, key));
            }
            if done {
                return Ok(out);
            }
        }
    })
    .await
}

pub async fn page(reader: Reader) -> AppResult<HttpResponse> {
    let rows = rows(&reader).await?;
    super::html(&MasterListPage { c: reader.chrome(), rows })
}

/// A text cell a spreadsheet shows as text: one that begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be run as a formula (OWASP's "CSV injection"), so it is quoted with `'`.
fn spreadsheet_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

pub async fn csv(reader: Reader) -> AppResult<HttpResponse> {
    let rows = rows(&reader).await?;
    let t = reader.tr();
    // The first line names the list and whose it is; the table follows, its header on line two.
    let mut out = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let org = &reader.org.org;
    out.write_record([spreadsheet_text(&format!("{} — {}", t.get("master.title"), org.name))])
        .map_err(AppError::internal)?;
    let header =
        ["list.number", "list.code", "list.name", "list.field", "list.revision", "list.effective_date", "list.status"];
    out.write_record(header.map(|k| t.get(k))).map_err(AppError::internal)?;
    for (i, (p, field, status)) in rows.iter().enumerate() {
        out.write_record([
            (i + 1).to_string(),
            spreadsheet_text(&p.code),
            spreadsheet_text(&p.title),
            spreadsheet_text(field),
            p.revision.to_string(),
            p.effective_date.to_string(),
            t.get(status).to_owned(),
        ])
        .map_err(AppError::internal)?;
    }
    let mut body = "\u{feff}".as_bytes().to_vec(); // BOM: spreadsheet programs then read UTF-8 Vietnamese correctly
    body.extend(out.into_inner().map_err(AppError::internal)?);
    // Where lists of several organisations may end up in one folder, the file names whose it is
    // (a slug is ASCII letters, digits and hyphens: safe in a header).
    let file = if reader.state.deployment.all().len() > 1 {
        format!("danh-muc-tai-lieu-{}.csv", org.slug)
    } else {
        "danh-muc-tai-lieu.csv".to_owned()
    };
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{file}\"")))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_text;

    #[test]
    fn formulas_stay_text_in_a_spreadsheet() {
        for formula in ["=HYPERLINK(\"http://e\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(spreadsheet_text(formula), format!("'{formula}"));
        }
        assert_eq!(spreadsheet_text("Đăng ký khai sinh"), "Đăng ký khai sinh");
        assert_eq!(spreadsheet_text("QT-HTI-01"), "QT-HTI-01");
    }
}
