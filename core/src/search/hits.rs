//! Hits: what a search shows, loaded from SQLite for the shown entries only —
//! phones with their open state, the open channel in words ("Ring nu · jour
//! till 08:00"), area labels — and `show` for one service in full.

use super::*;

pub(super) fn service_by_rowid(conn: &Connection, rowid: u32) -> Result<Service> {
    let id: String = conn
        .prepare_cached("SELECT id FROM svc WHERE rowid = ?1")?
        .query_row([rowid], |r| r.get(0))?;
    let body = crate::store::blocks::get(conn, "service", &id)?.ok_or_else(|| {
        crate::error::Error::Damaged(format!("service {id} is in the index, not in the store"))
    })?;
    Ok(serde_json::from_str(&body)?)
}

pub fn organization(conn: &Connection, id: &str) -> Result<Option<Organization>> {
    Ok(match crate::store::blocks::get(conn, "organization", id)? {
        Some(b) => Some(serde_json::from_str(&b)?),
        None => None,
    })
}

pub(super) fn phone_hits(
    p: &index::ParsedService,
    service_open: bool,
    at: DateTime<Utc>,
    lang: Lang,
) -> Vec<PhoneHit> {
    p.service
        .phones
        .iter()
        .zip(&p.phone_hours)
        .map(|(ph, hours)| PhoneHit {
            number: ph.number.clone(),
            kind: ph.kind,
            label: ph.label.as_ref().map(|t| t.get(lang).to_string()),
            open_now: Some(
                hours
                    .as_ref()
                    .map(|h| h.is_open(at))
                    .unwrap_or(service_open),
            ),
        })
        .collect()
}

pub(super) fn area_label(ix: &FacetIndex, e: &Entry, lang: Lang) -> String {
    match e.area {
        Area::National => match lang {
            Lang::Sv => "Hela Sverige".to_string(),
            Lang::En => "All of Sweden".to_string(),
        },
        Area::County(c) => {
            let code = &ix.counties[c as usize];
            ix.municipalities
                .iter()
                .find(|m| &m.county_code == code)
                .map(|m| m.county_name.clone())
                .unwrap_or(code.clone())
        }
        Area::Munis { start, len } => ix.area_munis[start as usize..start as usize + len as usize]
            .iter()
            .map(|&m| ix.municipalities[m as usize].name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub(super) fn build_hit(
    p: &index::ParsedService,
    ix: &FacetIndex,
    e: &Entry,
    distance: Option<f64>,
    status: OpenStatus,
    at: DateTime<Utc>,
    lang: Lang,
) -> ServiceHit {
    let (s, org) = (&p.service, p.org.as_ref());
    let sched = &ix.schedules[e.sched as usize];
    let reachable = e.flags & FLAG_REACHABLE != 0;
    let phones = phone_hits(p, status.open && reachable, at, lang);
    let (open_channel, open_text) = channel_text(p, sched, &phones, &status, reachable, at, lang);
    ServiceHit {
        id: s.id.clone(),
        name: s.name.get(lang).to_string(),
        organization: org
            .map(|o| o.name.clone())
            .unwrap_or_else(|| s.organization.clone()),
        agency_kind: org.map(|o| o.agency_kind).unwrap_or(AgencyKind::Other),
        municipalities: ix.area_codes(e),
        national: e.flags & FLAG_NATIONAL != 0,
        area: area_label(ix, e, lang),
        county: match e.area {
            Area::County(c) => Some(ix.counties[c as usize].clone()),
            _ => None,
        },
        groups: s.groups.clone(),
        needs: s.needs.clone(),
        forms: s.forms.clone(),
        phones,
        open_now: Some(status.open && reachable),
        next_change: if reachable { status.next_change } else { None },
        open_text,
        reachable,
        open_channel,
        always_open: reachable && sched.always_open(),
        on_call: sched.on_call(),
        distance_km: distance.map(|d| (d * 10.0).round() / 10.0),
        distance_approximate: distance.is_some() && e.flags & index::FLAG_POS_APPROX != 0,
        verified: e.flags & FLAG_VERIFIED != 0,
        demo: e.flags & FLAG_DEMO != 0,
        web: s.web.clone(),
        why: Vec::new(),
    }
}

/// Which channel can be used now, and the line to show: "Ring nu · jour
/// till 08:00", "Chatt öppen till 22:00"; the service's status when none is
/// open; "information only" when it has no phone or chat at all.
pub(super) fn channel_text(
    p: &index::ParsedService,
    sched: &Schedule,
    phones: &[PhoneHit],
    status: &OpenStatus,
    reachable: bool,
    at: DateTime<Utc>,
    lang: Lang,
) -> (Option<PhoneKind>, String) {
    let sv = lang == Lang::Sv;
    if !reachable {
        let t = if sv {
            "Endast information (webb/e-post) – ingen telefon eller chatt"
        } else {
            "Information only (web/e-mail) – no phone or chat"
        };
        return (None, t.to_string());
    }
    if !status.open {
        return (None, status.text.clone());
    }
    let pick = [PhoneKind::Voice, PhoneKind::Sms, PhoneKind::Chat]
        .into_iter()
        .find_map(|k| {
            phones
                .iter()
                .zip(&p.phone_hours)
                .find(|(h, _)| h.kind == k && h.open_now == Some(true))
                .map(|(h, own)| (k, own.as_ref().unwrap_or(sched), h))
        });
    let Some((kind, hours, _)) = pick else {
        return (None, status.text.clone());
    };
    let verb = match (kind, sv) {
        (PhoneKind::Voice, true) => "Ring nu",
        (PhoneKind::Voice, false) => "Call now",
        (PhoneKind::Sms, true) => "Sms nu",
        (PhoneKind::Sms, false) => "Text now",
        (PhoneKind::Chat, true) => "Chatt öppen",
        (PhoneKind::Chat, false) => "Chat open",
    };
    let until = if hours.always_open() {
        Some(if sv { "dygnet runt" } else { "24/7" }.to_string())
    } else {
        hours
            .change_text(at, lang)
            .map(|t| match (hours.on_call(), sv) {
                (true, true) => format!("jour till {t}"),
                (true, false) => format!("on call until {t}"),
                (false, true) => format!("öppet till {t}"),
                (false, false) => format!("open until {t}"),
            })
    };
    let text = match (kind, until) {
        (PhoneKind::Chat, Some(u)) => format!(
            "{verb} {}",
            u.trim_start_matches("öppet ").trim_start_matches("open ")
        ),
        (_, Some(u)) => format!("{verb} · {u}"),
        (_, None) => verb.to_string(),
    };
    (Some(kind), text)
}

/// The parsed service, organization and phone hours of an entry, cached in the index.
pub(super) fn parsed(conn: &Connection, ix: &FacetIndex, rowid: u32) -> Result<index::Parsed> {
    if let Some(p) = ix
        .parsed
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&rowid)
    {
        return Ok(p.clone());
    }
    let service = service_by_rowid(conn, rowid)?;
    let org = organization(conn, &service.organization)?;
    let p = std::sync::Arc::new(index::ParsedService::new(service, org));
    ix.parsed
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(rowid, p.clone());
    Ok(p)
}

/// Open status per schedule, computed at most once per query.
pub(super) struct Statuses<'a> {
    ix: &'a FacetIndex,
    at: DateTime<Utc>,
    lang: Lang,
    done: Vec<Option<OpenStatus>>,
}

impl<'a> Statuses<'a> {
    pub(super) fn new(ix: &'a FacetIndex, at: DateTime<Utc>, lang: Lang) -> Statuses<'a> {
        Statuses {
            ix,
            at,
            lang,
            done: vec![None; ix.schedules.len()],
        }
    }
    fn get(&mut self, sched: u16) -> OpenStatus {
        let (ix, at, lang) = (self.ix, self.at, self.lang);
        self.done[sched as usize]
            .get_or_insert_with(|| ix.schedules[sched as usize].status(at, lang))
            .clone()
    }
}

pub(super) fn load_hit(
    conn: &Connection,
    st: &mut Statuses,
    e: &Entry,
    distance: Option<f64>,
) -> Result<ServiceHit> {
    let p = parsed(conn, st.ix, e.rowid)?;
    let status = st.get(e.sched);
    Ok(build_hit(&p, st.ix, e, distance, status, st.at, st.lang))
}

/// One service in full.
pub fn show(
    conn: &Connection,
    ix: &FacetIndex,
    id: &str,
    at: Option<DateTime<Utc>>,
    near: Option<(f64, f64)>,
    lang: Lang,
) -> Result<ServiceDetail> {
    let at = at.unwrap_or_else(Utc::now);
    let rowid: Option<i64> = conn
        .prepare_cached("SELECT rowid FROM svc WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let rowid = rowid.ok_or_else(|| Error::NotFound(format!("no service with id '{id}'")))? as u32;
    let e = ix
        .entry(rowid)
        .ok_or_else(|| Error::Storage("the search index is out of date".into()))?;
    let p = parsed(conn, ix, rowid)?;
    let (s, org) = (&p.service, &p.org);
    let distance = match (near, e.lat.is_nan()) {
        (Some(o), false) => Some(haversine_km(o, (e.lat as f64, e.lon as f64))),
        _ => None,
    };
    let sched = &ix.schedules[e.sched as usize];
    let hit = build_hit(&p, ix, &e, distance, sched.status(at, lang), at, lang);
    Ok(ServiceDetail {
        description: s.description.get(lang).to_string(),
        role: org
            .as_ref()
            .map(|o| o.role.get(lang).to_string())
            .unwrap_or_default(),
        agency_kind_label: hit.agency_kind.label(lang).to_string(),
        hours: s.hours.clone(),
        schedule: if hit.reachable {
            sched.describe(lang)
        } else {
            vec![match lang {
                Lang::Sv => "Inga öppettider: endast information (ingen telefon eller chatt)",
                Lang::En => "No hours: information only (no phone or chat)",
            }
            .to_string()]
        },
        languages: s.languages.clone(),
        email: s.email.clone(),
        address: if s.confidential_address {
            None
        } else {
            s.location.as_ref().and_then(|l| l.address.clone())
        },
        confidential_address: s.confidential_address,
        verified_on: s.verified_on,
        source: s.source.clone(),
        tags: s.tags.clone(),
        hit,
    })
}

/// A text to show for the unverified mark, wherever a service is shown.
pub fn unverified_mark(hit: &ServiceHit, lang: Lang) -> Option<&'static str> {
    match (hit.demo, hit.verified, lang) {
        (true, _, Lang::Sv) => Some("DEMO – ej verifierad"),
        (true, _, Lang::En) => Some("DEMO – unverified"),
        (false, false, Lang::Sv) => Some("Ej verifierad"),
        (false, false, Lang::En) => Some("Unverified"),
        _ => None,
    }
}
