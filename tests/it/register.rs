//! The nonconformity register under load and under concurrent writers: a detail lists its own
//! actions however large the register, and a stale write never reopens a closed record.

use actix_web::http::StatusCode;
use qms::domain::Role;
use qms::domain::nonconformity::{NcSource, NcStatus, Severity};
use qms::service::quality::actions::{self, NewCa};
use qms::service::quality::nonconformities::{self, NewNc};
use serde_json::json;

use crate::common::*;

fn new_nc(description: &str) -> NewNc {
    NewNc {
        source: NcSource::Other,
        finding_id: None,
        procedure_codes: vec!["QT-HTI-01".into()],
        description: description.into(),
        severity: Severity::Minor,
        correction: None,
    }
}

fn new_ca(nc: i32, due_in_days: i64) -> NewCa {
    NewCa {
        nonconformity_ids: vec![nc],
        action: "Khắc phục".into(),
        owner: "thuchien".into(),
        due_date: today() + chrono::Duration::days(due_in_days),
        verify_after: None,
        requires_change_of: None,
    }
}

#[actix_web::test]
async fn a_nonconformity_lists_its_own_actions_however_large_the_register() {
    let world = World::with_cast(&["QT-HTI-01"]).user("thuchien", &[Role::Staff], &["HTI"]).start();
    let (s, thuky) = (&world.started.state.first_org(), actor_of(&world.started, "thuky"));
    let busy = nonconformities::open(s, &thuky, new_nc("Nhiều hành động")).unwrap();
    for _ in 0..505 {
        actions::create(s, &thuky, new_ca(busy.id, 10)).unwrap();
    }
    let mine = nonconformities::open(s, &thuky, new_nc("Một hành động")).unwrap();
    let own = actions::create(s, &thuky, new_ca(mine.id, 90)).unwrap();

    let c = Client::new(service(&world.started).await);
    let (status, detail) = c.call("thuky", "GET", &format!("/api/v1/nonconformities/{}", mine.id), None).await;
    assert_eq!(status, StatusCode::OK);
    let listed: Vec<i64> =
        detail["corrective_actions"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(listed, vec![i64::from(own.id)], "{detail}");
    let (_, busy_detail) = c.call("thuky", "GET", &format!("/api/v1/nonconformities/{}", busy.id), None).await;
    assert_eq!(busy_detail["corrective_actions"].as_array().unwrap().len(), 505);
}

#[actix_web::test]
async fn a_stale_write_never_reopens_a_closed_nonconformity() {
    let world = World::with_cast(&["QT-HTI-01"]).start();
    let (s, thuky) = (&world.started.state.first_org(), actor_of(&world.started, "thuky"));
    let nc = nonconformities::open(s, &thuky, new_nc("Sổ thiếu")).unwrap();
    // Someone loads it to record the root cause while another writer closes it.
    let stale = nonconformities::load(s, nc.id).unwrap();
    let closed = qms::service::ports::NcRecord { status: NcStatus::Closed, ..stale.clone() };
    let closing = qms::domain::event::NewEvent::now("thuky", "nonconformity.close", "nonconformity", "x");
    s.nonconformities.update_nc(&closed, NcStatus::Open, &closing).unwrap();
    let late = qms::domain::event::NewEvent::now("thuky", "nonconformity.root_cause", "nonconformity", "x");
    let written = s.nonconformities.update_nc(&stale, stale.status, &late);
    assert!(matches!(written, Err(qms::service::ports::PortError::Conflict(_))), "{written:?}");
    assert_eq!(nonconformities::load(s, nc.id).unwrap().status, NcStatus::Closed);

    let c = Client::new(service(&world.started).await);
    let body = json!({"why": ["Vì sao"], "root_cause": "Nguyên nhân", "similar_checked": true});
    let (status, err) =
        c.call("thuky", "PUT", &format!("/api/v1/nonconformities/{}/root-cause", nc.id), Some(body)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
}
