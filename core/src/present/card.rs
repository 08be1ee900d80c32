//! A search hit as a card: the parts a list row or a service screen shows
//! besides the hit's own fields.

use super::contact::{contact_actions, ContactAction};
use super::format::distance_text;
use crate::search::{unverified_mark, ServiceHit};
use crate::vocab::Lang;
use serde::Serialize;

/// What to show for a hit, ready to lay out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HitCard {
    /// "Kvinnojouren Ljungby · Kvinnojour", or only the agency kind when the
    /// organization's name is the service's.
    pub subtitle: String,
    /// Marks to show wherever the entry is shown: demo/unverified, national.
    pub badges: Vec<String>,
    /// "2,3 km", "ca 2,3 km" (to the municipality's centre), none without a position.
    pub distance_text: Option<String>,
    /// Call / text / chat, one per phone that has one.
    pub actions: Vec<ContactAction>,
}

/// The card of a hit in `lang`.
pub fn card(hit: &ServiceHit, lang: Lang) -> HitCard {
    let agency = hit.agency_kind.label(lang);
    let subtitle = if hit.organization.trim().is_empty() || hit.organization == hit.name {
        agency.to_string()
    } else {
        format!("{} · {agency}", hit.organization)
    };
    let mut badges = Vec::new();
    if let Some(m) = unverified_mark(hit, lang) {
        badges.push(m.to_string());
    }
    if hit.national {
        badges.push(match lang {
            Lang::Sv => "Hela landet".into(),
            Lang::En => "National".into(),
        });
    }
    HitCard {
        subtitle,
        badges,
        distance_text: hit
            .distance_km
            .and_then(|km| distance_text(km, hit.distance_approximate, lang)),
        actions: contact_actions(&hit.phones, hit.web.as_deref(), lang),
    }
}
