// One portable schema for SQLite and PostgreSQL; states are TEXT, converted to domain enums in
// the row mappings.

diesel::table! {
    organisations (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
        kind -> Text,
        parent_id -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meta (org_id, key) {
        key -> Text,
        value -> Text,
        org_id -> Integer,
    }
}

diesel::table! {
    fields (org_id, code) {
        code -> Text,
        name_vi -> Text,
        name_en -> Text,
        is_system -> Bool,
        position -> Integer,
        org_id -> Integer,
    }
}

diesel::table! {
    legal_bases (org_id, key) {
        key -> Text,
        kind -> Text,
        number -> Text,
        issued_on -> Nullable<Date>,
        issuer -> Text,
        title -> Text,
        status -> Text,
        superseded_by -> Nullable<Text>,
        effective_from -> Nullable<Date>,
        effective_to -> Nullable<Date>,
        amended_by -> Text,
        note -> Nullable<Text>,
        org_id -> Integer,
    }
}

diesel::table! {
    procedures (org_id, code) {
        code -> Text,
        title -> Text,
        field -> Text,
        kind -> Text,
        status -> Text,
        current_revision -> Integer,
        effective_date -> Date,
        review_interval_months -> Integer,
        review_due -> Nullable<Date>,
        owner -> Text,
        org_id -> Integer,
    }
}

diesel::table! {
    revisions (id) {
        id -> Integer,
        procedure_code -> Text,
        revision -> Integer,
        commit_id -> Text,
        blob_id -> Text,
        title -> Text,
        effective_date -> Date,
        summary -> Text,
        prepared_by -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        approved_by -> Nullable<Text>,
        published_by -> Text,
        published_at -> Timestamp,
        org_id -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        roles -> Text,
        fields -> Text,
        active -> Bool,
        token_version -> Integer,
        created_at -> Timestamp,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        org_id -> Integer,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Integer,
        at -> Text,
        actor -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        before_digest -> Nullable<Text>,
        after_digest -> Nullable<Text>,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
        org_id -> Integer,
    }
}

diesel::table! {
    change_requests (id) {
        id -> Integer,
        procedure_code -> Text,
        kind -> Text,
        status -> Text,
        reason -> Text,
        author -> Text,
        base_revision -> Nullable<Integer>,
        base_commit -> Nullable<Text>,
        draft_commit -> Text,
        content_hash -> Text,
        reviewers -> Text,
        approver -> Nullable<Text>,
        published_revision -> Nullable<Integer>,
        published_commit -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        org_id -> Integer,
    }
}

diesel::table! {
    signoffs (id) {
        id -> Integer,
        change_request_id -> Integer,
        kind -> Text,
        username -> Text,
        display_name -> Text,
        decision -> Text,
        comment -> Text,
        content_hash -> Text,
        signed_at -> Timestamp,
        voided -> Bool,
        org_id -> Integer,
    }
}

diesel::table! {
    periodic_reviews (id) {
        id -> Integer,
        procedure_code -> Text,
        revision -> Integer,
        outcome -> Text,
        comment -> Text,
        reviewer -> Text,
        reviewed_at -> Timestamp,
        org_id -> Integer,
    }
}

diesel::table! {
    acknowledgements (org_id, procedure_code, revision, username) {
        procedure_code -> Text,
        revision -> Integer,
        username -> Text,
        acknowledged_at -> Timestamp,
        org_id -> Integer,
    }
}

diesel::table! {
    procedure_legal_bases (org_id, procedure_code, legal_key) {
        procedure_code -> Text,
        legal_key -> Text,
        org_id -> Integer,
    }
}

diesel::table! {
    audits (id) {
        id -> Integer,
        title -> Text,
        year -> Integer,
        scope_fields -> Text,
        scope_procedures -> Text,
        criteria -> Text,
        planned_start -> Date,
        planned_end -> Date,
        lead_auditor -> Text,
        auditors -> Text,
        independence_override -> Nullable<Text>,
        status -> Text,
        strong_points -> Text,
        to_improve -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        org_id -> Integer,
    }
}

diesel::table! {
    checklist_items (id) {
        id -> Integer,
        audit_id -> Integer,
        procedure_code -> Text,
        revision -> Integer,
        position -> Integer,
        kind -> Text,
        text -> Text,
        result -> Text,
        note -> Text,
        org_id -> Integer,
    }
}

diesel::table! {
    nonconformities (id) {
        id -> Integer,
        source -> Text,
        finding_id -> Nullable<Integer>,
        description -> Text,
        severity -> Text,
        correction -> Text,
        status -> Text,
        why -> Text,
        root_cause -> Text,
        similar_checked -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        org_id -> Integer,
    }
}

diesel::table! {
    nonconformity_procedures (nonconformity_id, procedure_code) {
        nonconformity_id -> Integer,
        procedure_code -> Text,
        org_id -> Integer,
    }
}

diesel::table! {
    findings (id) {
        id -> Integer,
        audit_id -> Integer,
        procedure_code -> Text,
        procedure_revision -> Integer,
        procedure_commit -> Text,
        clause -> Text,
        kind -> Text,
        description -> Text,
        evidence -> Text,
        nonconformity_id -> Nullable<Integer>,
        recorded_by -> Text,
        recorded_at -> Timestamp,
        org_id -> Integer,
    }
}

diesel::table! {
    corrective_actions (id) {
        id -> Integer,
        action -> Text,
        owner -> Text,
        due_date -> Date,
        verify_after -> Nullable<Date>,
        requires_change_of -> Nullable<Text>,
        change_request_id -> Nullable<Integer>,
        status -> Text,
        evidence -> Text,
        verification_comment -> Text,
        verified_by -> Nullable<Text>,
        verified_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        org_id -> Integer,
    }
}

diesel::table! {
    nonconformity_actions (nonconformity_id, corrective_action_id) {
        nonconformity_id -> Integer,
        corrective_action_id -> Integer,
        org_id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    meta,
    fields,
    legal_bases,
    procedures,
    revisions,
    users,
    revoked_tokens,
    events,
    change_requests,
    signoffs,
    periodic_reviews,
    acknowledgements,
    procedure_legal_bases,
    audits,
    checklist_items,
    nonconformities,
    nonconformity_procedures,
    findings,
    corrective_actions,
    nonconformity_actions,
);
