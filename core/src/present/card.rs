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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PhoneKind;
    use crate::search::PhoneHit;
    use crate::vocab::AgencyKind;

    fn hit() -> ServiceHit {
        ServiceHit {
            why: vec![],
            id: "kvinnojouren-ljungby".into(),
            name: "Kvinnojouren i Ljungby".into(),
            organization: "Kvinnojouren Ljungby".into(),
            agency_kind: AgencyKind::WomensShelter,
            municipalities: vec!["0781".into()],
            national: false,
            county: None,
            area: "Ljungby".into(),
            groups: vec![],
            needs: vec![],
            forms: vec![],
            phones: vec![PhoneHit {
                number: "070-174 06 12".into(),
                kind: PhoneKind::Voice,
                label: Some("Jourtelefon (demo)".into()),
                open_now: Some(true),
            }],
            open_now: Some(true),
            next_change: None,
            open_text: "Öppet nu".into(),
            reachable: true,
            open_channel: Some(PhoneKind::Voice),
            always_open: false,
            on_call: false,
            distance_km: Some(57.2),
            distance_approximate: true,
            verified: false,
            demo: true,
            web: None,
        }
    }

    #[test]
    fn a_demo_shelter_card() {
        let c = card(&hit(), Lang::Sv);
        assert_eq!(c.subtitle, "Kvinnojouren Ljungby · Kvinnojour");
        assert_eq!(c.badges, ["DEMO – ej verifierad"]);
        assert_eq!(c.distance_text.as_deref(), Some("ca 57 km"));
        assert_eq!(c.actions[0].uri, "tel:+46701740612");
        assert_eq!(
            c.actions[0].label,
            "Ring 070-174 06 12 · Jourtelefon (demo)"
        );
    }

    #[test]
    fn a_verified_national_line_card() {
        let mut h = hit();
        h.name = "Kvinnofridslinjen".into();
        h.organization = "Kvinnofridslinjen".into();
        h.agency_kind = AgencyKind::NationalHelpline;
        h.national = true;
        h.demo = false;
        h.verified = true;
        h.distance_km = None;
        let c = card(&h, Lang::En);
        // The organization is the service: only the agency kind.
        assert_eq!(c.subtitle, "National helpline");
        assert_eq!(c.badges, ["National"]);
        assert_eq!(c.distance_text, None);
        h.verified = false;
        assert_eq!(card(&h, Lang::En).badges, ["Unverified", "National"]);
    }
}
