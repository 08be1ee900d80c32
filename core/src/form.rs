//! The search screen's form, as both apps hold it: what the user typed and
//! picked, made into a [`SearchQuery`] here and nowhere else. The shells keep
//! only the toggles; the rules (trimmed text, the home municipality from the
//! settings when none is picked, a position only while "near me" is on,
//! filters in one order, the list's length) are the core's, so Android and iOS
//! cannot drift apart.

use crate::api::Fyr;
use crate::error::{Error, Result};
use crate::search::{SearchQuery, SearchResult};
use crate::vocab::{Form, Group, Need};
use serde::Serialize;

/// How many results a search screen lists when the form names no limit.
pub const FORM_LIMIT: u32 = 30;

/// A position in degrees (WGS 84), e.g. the phone's for "near me".
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// The point as (lat, lon), refused when it is not a place on Earth.
    pub fn checked(self) -> Result<(f64, f64)> {
        if !(-90.0..=90.0).contains(&self.lat) || !(-180.0..=180.0).contains(&self.lon) {
            return Err(Error::invalid(format!(
                "coordinates out of range: {},{} (latitude -90..90, longitude -180..180)",
                self.lat, self.lon
            )));
        }
        Ok((self.lat, self.lon))
    }
}

/// What the search screen shows: the words as typed, the picked municipality
/// (none: the home municipality), the vocabulary filters by id, the "open
/// now" and "near me" switches with the last position, the readings the user
/// removed (chip keys such as `group:men`) and the list's length (0: 30).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SearchForm {
    #[cfg_attr(feature = "uniffi", uniffi(default = ""))]
    pub text: String,
    /// A municipality name (any spelling) or SCB code; None or blank: the
    /// home municipality from the settings.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub municipality: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub groups: Vec<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub needs: Vec<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub forms: Vec<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub open_now: bool,
    /// The "near me" switch; `position` is used only while it is on.
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub near_me: bool,
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub position: Option<GeoPoint>,
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub without: Vec<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    pub limit: u32,
}

impl SearchForm {
    /// How many filters are on, as the filter button counts them: needs,
    /// groups and forms picked, "open now", "near me". The words and the
    /// place are not filters.
    pub fn active_filters(&self) -> usize {
        sorted_ids(&self.groups).len()
            + sorted_ids(&self.needs).len()
            + sorted_ids(&self.forms).len()
            + usize::from(self.open_now)
            + usize::from(self.near_me)
    }

    /// The query this form makes; `home` is the home municipality from the
    /// settings, searched when the form picks none. An unknown filter id or a
    /// position off the Earth is refused with its name.
    pub fn query(&self, home: Option<&str>) -> Result<SearchQuery> {
        let text = self.text.trim();
        let municipality = non_blank(self.municipality.as_deref()).or_else(|| non_blank(home));
        let near = match (self.near_me, self.position) {
            (true, Some(p)) => Some(p.checked()?),
            _ => None,
        };
        Ok(SearchQuery {
            text: (!text.is_empty()).then(|| text.to_string()),
            municipality,
            groups: parse_all("group", &self.groups, Group::parse)?,
            needs: parse_all("need", &self.needs, Need::parse)?,
            forms: parse_all("violence form", &self.forms, Form::parse)?,
            open_now: self.open_now,
            near,
            limit: if self.limit == 0 {
                FORM_LIMIT
            } else {
                self.limit
            } as usize,
            drop: sorted_ids(&self.without),
            ..SearchQuery::default()
        })
    }
}

impl Fyr {
    /// Searches what the form says, with the home municipality from this
    /// device's settings when the form picks none: the one search both apps'
    /// screens make.
    pub fn search_form(&self, form: &SearchForm) -> Result<SearchResult> {
        let home = self.settings()?.home_municipality;
        let q = form.query(home.as_deref())?;
        self.search_full(&q)
    }
}

fn non_blank(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Trimmed, without blanks and repeats, in one order (a set is a set,
/// whatever order the screen kept it in).
fn sorted_ids(ids: &[String]) -> Vec<String> {
    let mut v: Vec<String> = ids
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn parse_all<T: Ord>(what: &str, ids: &[String], parse: fn(&str) -> Option<T>) -> Result<Vec<T>> {
    let mut v = sorted_ids(ids)
        .iter()
        .map(|id| parse(id).ok_or_else(|| Error::invalid(format!("unknown {what} '{id}'"))))
        .collect::<Result<Vec<T>>>()?;
    v.sort();
    v.dedup();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::OpenOptions;
    use crate::vocab::Lang;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn words_are_trimmed_and_blank_words_list_everything() {
        let f = SearchForm {
            text: "  min man slår mig \n".into(),
            ..Default::default()
        };
        assert_eq!(
            f.query(None).unwrap().text.as_deref(),
            Some("min man slår mig")
        );
        let blank = SearchForm {
            text: " \t ".into(),
            ..Default::default()
        };
        assert_eq!(blank.query(None).unwrap().text, None);
    }

    #[test]
    fn no_picked_place_searches_the_home_municipality() {
        let f = SearchForm::default();
        assert_eq!(
            f.query(Some("2313")).unwrap().municipality.as_deref(),
            Some("2313")
        );
        // A blank pick is no pick (a cleared field, the picker's "home" row).
        let blank = SearchForm {
            municipality: Some("  ".into()),
            ..Default::default()
        };
        assert_eq!(
            blank.query(Some("2313")).unwrap().municipality.as_deref(),
            Some("2313")
        );
        // A picked place wins over home; a fresh install has no home at all.
        let picked = SearchForm {
            municipality: Some(" Ljungby ".into()),
            ..Default::default()
        };
        assert_eq!(
            picked.query(Some("2313")).unwrap().municipality.as_deref(),
            Some("Ljungby")
        );
        assert_eq!(f.query(None).unwrap().municipality, None);
        assert_eq!(f.query(Some(" ")).unwrap().municipality, None);
    }

    #[test]
    fn a_position_is_used_only_while_near_me_is_on() {
        let p = GeoPoint {
            lat: 63.81,
            lon: 15.55,
        };
        let off = SearchForm {
            near_me: false,
            position: Some(p),
            ..Default::default()
        };
        assert_eq!(off.query(None).unwrap().near, None);
        let on = SearchForm {
            near_me: true,
            position: Some(p),
            ..Default::default()
        };
        assert_eq!(on.query(None).unwrap().near, Some((63.81, 15.55)));
        // On, but the phone had no fix yet: no distance from anywhere.
        let no_fix = SearchForm {
            near_me: true,
            ..Default::default()
        };
        assert_eq!(no_fix.query(None).unwrap().near, None);
        let off_earth = SearchForm {
            near_me: true,
            position: Some(GeoPoint {
                lat: 123.0,
                lon: 14.0,
            }),
            ..Default::default()
        };
        let e = off_earth.query(None).unwrap_err();
        assert!(e.to_string().contains("123"), "{e}");
    }

    #[test]
    fn filters_are_sets_in_one_order_and_unknown_ids_are_named() {
        let a = SearchForm {
            groups: ids(&["women", "children", "women"]),
            needs: ids(&["protected_housing", "counselling"]),
            without: ids(&["role:uses_violence", "group:men", " "]),
            ..Default::default()
        };
        let b = SearchForm {
            groups: ids(&["children", "women"]),
            needs: ids(&["counselling", "protected_housing"]),
            without: ids(&["group:men", "role:uses_violence"]),
            ..Default::default()
        };
        let (qa, qb) = (a.query(None).unwrap(), b.query(None).unwrap());
        assert_eq!(qa.groups, qb.groups);
        // The vocabulary's order, whatever order the screen kept them in.
        assert_eq!(qa.groups, vec![Group::Women, Group::Children]);
        assert_eq!(qa.needs, qb.needs);
        assert_eq!(qa.drop, vec!["group:men", "role:uses_violence"]);
        let bad = SearchForm {
            needs: ids(&["shelter_for_cats"]),
            ..Default::default()
        };
        let e = bad.query(None).unwrap_err();
        assert!(
            e.to_string().contains("unknown need 'shelter_for_cats'"),
            "{e}"
        );
    }

    #[test]
    fn the_list_length_defaults_to_the_screens_thirty() {
        assert_eq!(SearchForm::default().query(None).unwrap().limit, 30);
        let five = SearchForm {
            limit: 5,
            ..Default::default()
        };
        assert_eq!(five.query(None).unwrap().limit, 5);
    }

    #[test]
    fn the_filter_count_counts_filters_not_words_or_place() {
        let f = SearchForm {
            text: "jour".into(),
            municipality: Some("Ljungby".into()),
            ..Default::default()
        };
        assert_eq!(f.active_filters(), 0);
        let g = SearchForm {
            needs: ids(&["protected_housing"]),
            groups: ids(&["women", "women"]),
            open_now: true,
            near_me: true,
            ..Default::default()
        };
        assert_eq!(g.active_filters(), 4);
    }

    /// A fresh install on the bundled content: the form with no place picked
    /// searches the home municipality once the user has set one, and the
    /// same words find other local services after the home changes.
    #[test]
    fn the_core_searches_a_form_in_the_home_municipality() {
        let d = tempfile::tempdir().unwrap();
        let fyr = Fyr::open(OpenOptions {
            data_dir: d.path().to_path_buf(),
            key: None,
            lang: Lang::Sv,
        })
        .unwrap();
        let form = SearchForm {
            text: "socialtjanst".into(),
            ..Default::default()
        };
        // The hits tied to municipalities (not national or county-wide).
        let local = |r: &SearchResult| -> Vec<Vec<String>> {
            r.hits
                .iter()
                .filter(|h| !h.municipalities.is_empty())
                .map(|h| h.municipalities.clone())
                .collect()
        };
        for (home, code) in [("Strömsund", "2313"), ("Ljungby", "0781")] {
            let mut s = fyr.settings().unwrap();
            s.home_municipality = Some(home.into());
            fyr.set_settings(&s).unwrap();
            let r = fyr.search_form(&form).unwrap();
            let codes = local(&r);
            assert!(
                !codes.is_empty(),
                "{home}: no local service in {:?}",
                r.hits
            );
            assert!(
                codes.iter().all(|c| c.iter().any(|c| c == code)),
                "{home}: {codes:?}"
            );
            // The same as the query the shells used to build by hand.
            let by_hand = fyr
                .search_full(&SearchQuery {
                    text: Some("socialtjanst".into()),
                    municipality: Some(home.into()),
                    limit: 30,
                    ..Default::default()
                })
                .unwrap();
            let names = |r: &SearchResult| r.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
            assert_eq!(names(&r), names(&by_hand), "{home}");
        }
    }
}
