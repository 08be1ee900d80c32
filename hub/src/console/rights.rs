//! The rights model, in one place: every handler asks here.
//!
//! - admin: everything (users, audit log, every entry, publishing).
//! - coordinator of county NN: reads everything in the directory; changes
//!   only services whose whole area lies in county NN (a national service or
//!   one shared with another county is read-only to them), their open
//!   reports, and NN's follow-up indicators; publishes.
//! - analyst: the follow-up pages only.

use super::users::Role;
use super::workdir::{service_counties, Fields};

pub fn can_read_directory(role: &Role) -> bool {
    !matches!(role, Role::Analyst)
}

pub fn can_publish(role: &Role) -> bool {
    !matches!(role, Role::Analyst)
}

pub fn is_admin(role: &Role) -> bool {
    matches!(role, Role::Admin)
}

/// May this account change this service (its current or its new fields)?
pub fn can_edit_service(role: &Role, fields: &Fields) -> bool {
    match role {
        Role::Admin => true,
        Role::Coordinator(county) => {
            service_counties(fields).is_some_and(|set| set.iter().all(|c| c == county))
        }
        Role::Analyst => false,
    }
}

/// Organizations are shared by services of several counties: admins only.
pub fn can_edit_organization(role: &Role) -> bool {
    is_admin(role)
}

pub fn can_record_indicator(role: &Role, county: &str) -> bool {
    match role {
        Role::Admin => true,
        Role::Coordinator(c) => c == county,
        Role::Analyst => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(area: &str) -> Fields {
        [("area".to_string(), area.to_string())].into()
    }

    #[test]
    fn a_kronoberg_coordinator_changes_only_kronoberg() {
        let k = Role::Coordinator("07".into());
        assert!(can_edit_service(&k, &svc("0780")));
        assert!(can_edit_service(&k, &svc("county:07")));
        assert!(!can_edit_service(&k, &svc("2361")));
        assert!(!can_edit_service(&k, &svc("county:23")));
        assert!(!can_edit_service(&k, &svc("0780;2361")));
        assert!(!can_edit_service(&k, &svc("SE")));
        assert!(can_edit_service(&Role::Admin, &svc("SE")));
        assert!(!can_edit_service(&Role::Analyst, &svc("0780")));
        assert!(!can_read_directory(&Role::Analyst));
        assert!(can_record_indicator(&k, "07") && !can_record_indicator(&k, "23"));
    }
}
