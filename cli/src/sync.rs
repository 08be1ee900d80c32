//! `fyr sync`, `status`, `report-error`, `demo`.

use crate::{print_json, CmdResult, Ctx, Failure};
use clap::Args;
use fyr_core::api::SyncOptions;
use fyr_core::sync::{CancelToken, SyncResult};
use fyr_core::vocab::Lang;
use fyr_core::{ErrorKind, Fyr, OpenOptions};

#[derive(Args)]
pub struct SyncArgs {
    /// Override the hub named by the signed content (kept after first use).
    #[arg(long, value_name = "URL")]
    hub: Option<String>,
    /// Override the publisher keys named by the signed content (kept after first use; repeat for rotation).
    #[arg(long, value_name = "FILE")]
    trust_key: Vec<std::path::PathBuf>,
    /// This device's upload token (kept in DATA_DIR/device-token; `fyr enroll CODE` gets one).
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct EnrollArgs {
    /// The code from the coordinator (e.g. 7K3QD-M2XWA-9RT44) or the QR payload (fyr-enroll:CODE@URL).
    code: String,
    /// The hub to enroll with (default: the QR payload's, else the one this device syncs with).
    #[arg(long, value_name = "URL")]
    hub: Option<String>,
}

/// The device's upload token: a 0600 file beside the data.
pub const TOKEN_FILE: &str = "device-token";

/// The kept device token, if any.
pub fn read_token(ctx: &Ctx) -> Result<Option<String>, Failure> {
    let p = ctx.data_dir.join(TOKEN_FILE);
    match std::fs::read_to_string(&p) {
        Ok(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Failure::failed(format!("cannot read {}: {e}", p.display()))),
    }
}

/// Keeps the device token (0600, replaced atomically).
pub fn write_token(ctx: &Ctx, token: &str) -> Result<(), Failure> {
    let p = ctx.data_dir.join(TOKEN_FILE);
    let tmp = ctx
        .data_dir
        .join(format!(".{TOKEN_FILE}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    crate::key::write_private(&tmp, token.as_bytes())?;
    std::fs::rename(&tmp, &p)
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", p.display())))
}

pub fn enroll(ctx: &Ctx, a: EnrollArgs) -> CmdResult {
    let fyr = ctx.open()?;
    let e = fyr
        .enroll_blocking(&a.code, a.hub.as_deref())
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidInput => Failure::usage(e.to_string()),
            _ => Failure::failed(format!("enrollment failed: {e}")),
        })?;
    write_token(ctx, &e.token)?;
    let kind = fyr_core::vocab::AgencyKind::parse(&e.agency_kind)
        .map(|k| k.label(ctx.lang).to_string())
        .unwrap_or(e.agency_kind.clone());
    match ctx.lang {
        Lang::Sv => println!(
            "enheten är registrerad hos {} för län {}, {kind}; nyckeln finns i {}",
            e.hub_url,
            e.county,
            ctx.data_dir.join(TOKEN_FILE).display()
        ),
        Lang::En => println!(
            "this device is enrolled with {} for county {}, {kind}; the token is kept in {}",
            e.hub_url,
            e.county,
            ctx.data_dir.join(TOKEN_FILE).display()
        ),
    }
    Ok(())
}

#[derive(Args)]
pub struct ReportErrorArgs {
    service_id: String,
    /// What is wrong: wrong_number, closed, moved or other.
    #[arg(long, value_name = "R")]
    reason: String,
    /// A short text about the service (at most 500 characters). Never a
    /// name, identity number, phone number or e-mail address: those are refused.
    #[arg(long, value_name = "TEXT")]
    message: String,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Where the demo keeps its hub and device (default: a new folder under the system's temp dir).
    #[arg(long, value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
}

pub fn sync(ctx: &Ctx, a: SyncArgs) -> CmdResult {
    let fyr = ctx.open()?;
    if let Some(t) = &a.token {
        if t.trim().is_empty() || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Failure::usage("--token must be one word without spaces"));
        }
        write_token(ctx, t)?;
    }
    let opts = SyncOptions {
        hub: a.hub,
        trust_key_files: a.trust_key,
        trusted_keys_hex: vec![],
        token: read_token(ctx)?,
    };
    let cancel = CancelToken::new();
    let r = fyr
        .sync_blocking(&opts, &cancel)
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidInput => Failure::usage(e.to_string()),
            _ => Failure::failed(format!("sync failed: {e}")),
        })?;
    let result = match r.result {
        SyncResult::Updated => "updated",
        SyncResult::Unchanged => "unchanged",
    };
    if a.json {
        return print_json(&serde_json::json!({
            "result": result,
            "version": r.version,
            "requests": r.requests,
            "bytes_received": r.bytes_received,
            "bytes_sent": r.bytes_sent,
            "uploaded": r.uploaded,
            "quarantined": r.quarantined,
            "pending": r.pending,
            "upload_blocked": r.upload_blocked,
            "upload_note": r.upload_blocked.as_ref().map(|b| b.describe(ctx.lang)),
        }));
    }
    println!(
        "{result}: content version {} · {} requests, {} bytes in, {} bytes out · {} events uploaded, {} set aside",
        r.version, r.requests, r.bytes_received, r.bytes_sent, r.uploaded, r.quarantined
    );
    if let Some(b) = &r.upload_blocked {
        let what = match ctx.lang {
            Lang::Sv => format!("{} händelser skickades inte", r.pending),
            Lang::En => format!("{} events were not sent", r.pending),
        };
        println!("{what}: {}", b.describe(ctx.lang));
    }
    Ok(())
}

pub fn status(ctx: &Ctx, json: bool) -> CmdResult {
    let fyr = ctx.open()?;
    let s = fyr.status(chrono::Utc::now())?;
    if json {
        return print_json(&s);
    }
    let sv = ctx.lang == Lang::Sv;
    let t = |a: &'static str, b: &'static str| if sv { a } else { b };
    let age = match s.content_age_days {
        Some(d) => format!("{d} {}", t("dagar gammal", "days old")),
        None => t("okänd ålder", "age unknown").to_string(),
    };
    println!(
        "{}: feed {} version {} ({age})",
        t("innehåll", "content"),
        s.feed_id,
        s.content_version
    );
    if let Some(w) = &s.stale_warning {
        println!("{}: {w}", t("varning", "warning"));
    }
    println!(
        "hub: {}",
        s.hub
            .as_deref()
            .unwrap_or(t("inte inställd", "not configured"))
    );
    let last = match &s.last_sync {
        Some(v) => {
            let r = v["result"].as_str().unwrap_or("?");
            let at = v["at"].as_str().unwrap_or("?");
            match v["error"].as_str() {
                Some(e) => format!("{r} {at}: {e}"),
                None => format!("{r} {at}"),
            }
        }
        None => t("aldrig", "never").to_string(),
    };
    println!("{}: {last}", t("senaste synk", "last sync"));
    let never = t("aldrig", "never").to_string();
    println!(
        "{}: {}",
        t("senast lyckad", "last success"),
        s.last_success.map(|x| x.to_rfc3339()).unwrap_or(never)
    );
    let any = t("när som helst", "any time").to_string();
    println!(
        "{}: {}",
        t("nästa försök", "next attempt"),
        s.next_attempt.map(|x| x.to_rfc3339()).unwrap_or(any)
    );
    println!(
        "{}: {} {}, {} {}",
        t("utkorg", "outbox"),
        s.outbox_pending,
        t("väntar", "waiting"),
        s.outbox_quarantined,
        t("satta åt sidan", "set aside")
    );
    if let Some(l) = &s.screenings_locked {
        println!(
            "{}: {}",
            t("screeningar låsta", "screenings locked"),
            crate::key::locked_message(&l.message)
        );
    }
    if s.unreadable_screenings > 0 {
        println!(
            "{}: {}",
            t("oläsbara screeningar", "unreadable screenings"),
            s.unreadable_screenings
        );
    }
    // Why the outbox does not go: what the last sync was told, or, before
    // any sync, that there is no token to send it with.
    let note = s.upload_note.clone().or_else(|| {
        (s.outbox_pending > 0 && read_token(ctx).ok().flatten().is_none())
            .then(|| fyr_core::sync::UploadBlocked::NotEnrolled.describe(ctx.lang))
    });
    if let Some(n) = note {
        println!("{}: {n}", t("uppladdning", "upload"));
    }
    Ok(())
}

pub fn report_error(ctx: &Ctx, a: ReportErrorArgs) -> CmdResult {
    let fyr = ctx.open()?;
    let id = fyr.report_error(&a.service_id, &a.reason, &a.message)?;
    println!("{id}");
    Ok(())
}

/// A hub and a fresh device on 127.0.0.1, narrated.
pub fn demo(ctx: &Ctx, a: DemoArgs) -> CmdResult {
    let dir = match a.dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!(
            "fyr-demo-{}",
            hex::encode(rand::random::<[u8; 4]>())
        )),
    };
    let device_dir = dir.join("device");
    if device_dir.exists() {
        std::fs::remove_dir_all(&device_dir)
            .map_err(|e| Failure::failed(format!("cannot reset {}: {e}", device_dir.display())))?;
    }
    println!("Fyr demo in {}", dir.display());
    let key: [u8; 32] = rand::random();
    let fyr = Fyr::open(OpenOptions {
        data_dir: device_dir.clone(),
        key: Some(key),
        lang: ctx.lang,
    })?;
    let base = fyr_core::bundle::signed_bundle()
        .map_err(|e| Failure::failed(e.to_string()))?
        .1;
    let screening = || -> Result<String, String> {
        let now = chrono::Utc::now();
        let s = fyr
            .start_screening("adult-risk", Some("Ljungby"), now)
            .map_err(|e| e.to_string())?;
        for item in ["physical_violence", "threats_to_kill", "jealous_control"] {
            fyr.answer(&s.session_id, item, fyr_core::checklist::Answer::Yes, now)
                .map_err(|e| e.to_string())?;
        }
        let out = fyr
            .complete_screening(&s.session_id, None, None, now)
            .map_err(|e| e.to_string())?;
        let first = out
            .referrals
            .first()
            .map(|h| {
                format!(
                    "{} ({})",
                    h.name,
                    h.phones.first().map(|p| p.number.as_str()).unwrap_or("-")
                )
            })
            .unwrap_or_default();
        Ok(match ctx.lang {
            Lang::Sv => format!("Riskbedömning i Ljungby: nivå {}, {} hänvisningar, först {first}; svaren är förseglade på enheten", out.level, out.referrals.len()),
            Lang::En => format!("Risk screening in Ljungby: level {}, {} referrals, first {first}; the answers are sealed on the device", out.level, out.referrals.len()),
        })
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(format!("cannot start the runtime: {e}")))?;
    let mut say = |line: String| println!("{line}");
    let summary = rt
        .block_on(fyr_hub::demo(
            &dir.join("hub"),
            base,
            fyr.store(),
            screening,
            &mut say,
        ))
        .map_err(|e| Failure::failed(format!("demo failed: {e}")))?;
    println!(
        "\nBytes moved: first sync {} B in {} requests; after one change {} B in {} requests (the full snapshot is {} B).",
        summary.first.bytes_received + summary.first.bytes_sent,
        summary.first.requests,
        summary.second.bytes_received + summary.second.bytes_sent,
        summary.second.requests,
        summary.snapshot_bytes
    );
    Ok(())
}
