//! The push: the outbox in batches with the event ids as idempotency keys.

use super::*;

#[derive(Deserialize)]
pub(super) struct EventsResponse {
    #[serde(default)]
    accepted: Vec<String>,
    #[serde(default)]
    duplicate: Vec<String>,
    #[serde(default)]
    rejected: Vec<Rejected>,
}

#[derive(Deserialize)]
pub(super) struct Rejected {
    event_id: String,
    reason: String,
}

pub(super) async fn push(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    net: &mut Net<'_>,
) -> Result<(), SyncError> {
    let Some(token) = cfg.token.as_deref() else {
        if store.outbox_pending()? > 0 {
            net.report.upload_blocked = Some(UploadBlocked::NotEnrolled);
        }
        return Ok(());
    };
    let token_hash = feed::sha256_hex(token.as_bytes());
    if store.get_meta(meta::REVOKED_TOKEN)?.as_deref() == Some(token_hash.as_str()) {
        // Told once; not tried again until the device is enrolled anew.
        net.report.upload_blocked = Some(UploadBlocked::Revoked);
        return Ok(());
    }
    let url = cfg
        .hub
        .join("v1/events")
        .map_err(|e| SyncError::Network(e.to_string()))?;
    let mut batch_size = cfg.batch_size.max(1);
    loop {
        let batch = store.outbox_batch(batch_size)?;
        if batch.is_empty() {
            return Ok(());
        }
        let ids: std::collections::HashSet<&str> =
            batch.iter().map(|e| e.event_id.as_str()).collect();
        let body =
            serde_json::to_vec(&serde_json::json!({ "events": batch })).expect("events serialize");
        let req = Req::post(url.clone(), body)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json");
        let resp = net.send(req, 16 << 20).await?;
        let status = resp.status;
        if (300..400).contains(&status) {
            let to = resp.header("location").unwrap_or("?").to_string();
            return Err(SyncError::Network(format!(
                "the hub redirected the upload (HTTP {status}) to {to}; uploads never follow a redirect, nothing was sent there"
            )));
        }
        if status == 413 {
            let _ = net.body(resp, 64 << 10);
            if batch.len() > 1 {
                batch_size = (batch.len() / 2).max(1);
                continue;
            }
            store.outbox_quarantine(
                &batch[0].event_id,
                "the hub refused the event as too large (HTTP 413)",
            )?;
            net.report.quarantined += 1;
            continue;
        }
        if !resp.is_success() {
            let blocked = match http_error(&resp) {
                SyncError::Revoked => {
                    store.set_meta(meta::REVOKED_TOKEN, Some(&token_hash))?;
                    UploadBlocked::Revoked
                }
                SyncError::Unauthorized => UploadBlocked::Refused {
                    message: format!("the hub does not accept this device's token (HTTP {status})"),
                },
                SyncError::Http { status, .. } if (400..500).contains(&status) => {
                    UploadBlocked::Refused {
                        message: format!("HTTP {status}"),
                    }
                }
                e => return Err(e),
            };
            net.report.upload_blocked = Some(blocked);
            return Ok(());
        }
        let bytes = net.body(resp, 16 << 20)?;
        let answer: EventsResponse = serde_json::from_slice(&bytes).map_err(|e| {
            SyncError::Network(format!("hub's answer to an upload is not understood: {e}"))
        })?;
        let acked: Vec<String> = answer
            .accepted
            .into_iter()
            .chain(answer.duplicate)
            .filter(|id| ids.contains(id.as_str()))
            .collect();
        store.outbox_ack(&acked)?;
        net.report.uploaded += acked.len() as u32;
        let mut quarantined = 0;
        for r in answer
            .rejected
            .iter()
            .filter(|r| ids.contains(r.event_id.as_str()))
        {
            store.outbox_quarantine(&r.event_id, &r.reason)?;
            quarantined += 1;
        }
        net.report.quarantined += quarantined;
        if acked.is_empty() && quarantined == 0 {
            return Err(SyncError::Network(
                "the hub acknowledged none of the uploaded events".into(),
            ));
        }
    }
}
