//! The bundled default content, compiled into the binary: a first start with
//! no network and no files has the whole directory and all checklists.

use crate::checklist::Checklist;
#[cfg(feature = "authoring")]
use crate::distribution::Distribution;
use crate::error::{Error, Result};
#[cfg(feature = "authoring")]
use crate::feed::directory_records;
use crate::feed::{parse_verifying_key, verify_bundle, Manifest, Record, RecordKind, Snapshot};
use crate::routing::{Lexicon, Routing, LEXICON_ID, ROUTING_ID};
use crate::store::{Bundle, ContentPosition};

/// The checklist files compiled into the binary (a test checks this list
/// against content/checklists/).
pub const EMBEDDED_CHECKLISTS: &[(&str, &str)] = &[
    (
        "content/checklists/adult-risk.toml",
        include_str!("../../content/checklists/adult-risk.toml"),
    ),
    (
        "content/checklists/children.toml",
        include_str!("../../content/checklists/children.toml"),
    ),
    (
        "content/checklists/exploitation.toml",
        include_str!("../../content/checklists/exploitation.toml"),
    ),
    (
        "content/checklists/honour.toml",
        include_str!("../../content/checklists/honour.toml"),
    ),
    (
        "content/checklists/perpetrator.toml",
        include_str!("../../content/checklists/perpetrator.toml"),
    ),
    (
        "content/checklists/routine.toml",
        include_str!("../../content/checklists/routine.toml"),
    ),
];

/// The distribution settings compiled into the binary.
pub const EMBEDDED_DISTRIBUTION: (&str, &str) = (
    "content/distribution.toml",
    include_str!("../../content/distribution.toml"),
);

/// Every TOML content file compiled into the binary, as (path under
/// `content/`, text): distribution, routing model, lexicon, checklists and
/// help cards — what a content folder holds besides the CSV sheets.
pub fn embedded_toml_files() -> Vec<(&'static str, &'static str)> {
    let mut v = vec![
        EMBEDDED_DISTRIBUTION,
        crate::routing::EMBEDDED_ROUTING,
        crate::routing::EMBEDDED_LEXICON,
    ];
    v.extend_from_slice(EMBEDDED_CHECKLISTS);
    v.extend_from_slice(EMBEDDED_HELP_CARDS);
    v.into_iter()
        .map(|(name, text)| (name.trim_start_matches("content/"), text))
        .collect()
}

/// The help cards compiled into the binary (a test checks this list against
/// content/help-cards/).
pub const EMBEDDED_HELP_CARDS: &[(&str, &str)] = &[
    (
        "content/help-cards/ar.toml",
        include_str!("../../content/help-cards/ar.toml"),
    ),
    (
        "content/help-cards/en.children.toml",
        include_str!("../../content/help-cards/en.children.toml"),
    ),
    (
        "content/help-cards/en.men.toml",
        include_str!("../../content/help-cards/en.men.toml"),
    ),
    (
        "content/help-cards/en.people_who_use_violence.toml",
        include_str!("../../content/help-cards/en.people_who_use_violence.toml"),
    ),
    (
        "content/help-cards/en.toml",
        include_str!("../../content/help-cards/en.toml"),
    ),
    (
        "content/help-cards/fa.toml",
        include_str!("../../content/help-cards/fa.toml"),
    ),
    (
        "content/help-cards/fi.toml",
        include_str!("../../content/help-cards/fi.toml"),
    ),
    (
        "content/help-cards/prs.toml",
        include_str!("../../content/help-cards/prs.toml"),
    ),
    (
        "content/help-cards/sma.toml",
        include_str!("../../content/help-cards/sma.toml"),
    ),
    (
        "content/help-cards/so.toml",
        include_str!("../../content/help-cards/so.toml"),
    ),
    (
        "content/help-cards/sv.children.toml",
        include_str!("../../content/help-cards/sv.children.toml"),
    ),
    (
        "content/help-cards/sv.men.toml",
        include_str!("../../content/help-cards/sv.men.toml"),
    ),
    (
        "content/help-cards/sv.people_who_use_violence.toml",
        include_str!("../../content/help-cards/sv.people_who_use_violence.toml"),
    ),
    (
        "content/help-cards/sv.toml",
        include_str!("../../content/help-cards/sv.toml"),
    ),
    (
        "content/help-cards/ti.toml",
        include_str!("../../content/help-cards/ti.toml"),
    ),
    (
        "content/help-cards/uk.toml",
        include_str!("../../content/help-cards/uk.toml"),
    ),
];

/// The checklist records of validated checklists.
pub fn checklist_records(list: &[Checklist]) -> Vec<Record> {
    list.iter()
        .map(|c| Record::new(RecordKind::Checklist, c.id.clone(), c))
        .collect()
}

#[cfg(feature = "authoring")]
fn content_error<E: std::fmt::Display>(errs: Vec<E>) -> Error {
    Error::Content(
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// The embedded content as records, validated.
#[cfg(feature = "authoring")]
pub fn embedded_records() -> Result<Vec<Record>> {
    let dir = crate::content::parse_directory(&crate::content::embedded_directory_sources())
        .map_err(content_error)?;
    let mut files = Vec::new();
    let mut errs = Vec::new();
    for (name, text) in EMBEDDED_CHECKLISTS {
        match Checklist::from_toml(name, text) {
            Ok(c) => files.push((name.to_string(), c)),
            Err(e) => errs.extend(e),
        }
    }
    if errs.is_empty() {
        if let Err(e) = crate::checklist::validate_set(&files) {
            errs.extend(e);
        }
    }
    let (name, text) = EMBEDDED_DISTRIBUTION;
    let dist = Distribution::from_toml(name, text).map_err(content_error)?;
    if !errs.is_empty() {
        return Err(content_error(errs));
    }
    let checklists: Vec<Checklist> = files.into_iter().map(|(_, c)| c).collect();
    let cards = crate::helpcard::parse_set(
        &EMBEDDED_HELP_CARDS
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect::<Vec<_>>(),
    )
    .map_err(content_error)?;
    let (routing, lexicon) = routing_content(
        crate::routing::EMBEDDED_ROUTING,
        crate::routing::EMBEDDED_LEXICON,
        &dir,
    )?;
    let mut v = directory_records(&dir);
    v.extend(checklist_records(&checklists));
    v.extend(crate::helpcard::records(&cards));
    v.extend(routing_records(&routing, &lexicon));
    v.push(dist.record());
    Ok(v)
}

/// The routing model and lexicon records.
pub fn routing_records(r: &Routing, l: &Lexicon) -> Vec<Record> {
    vec![
        Record::new(RecordKind::Routing, ROUTING_ID, &r.model),
        // Authoring compiles from the source (a lexicon read compiled is
        // a device's cache and is never published).
        Record::new(
            RecordKind::Lexicon,
            LEXICON_ID,
            l.source().expect("a lexicon compiled from its entries"),
        ),
    ]
}

/// Parses and validates routing.toml and lexicon.toml ((file, text) each)
/// against the directory: every problem names the file, rule and unknown id.
#[cfg(feature = "authoring")]
pub fn routing_content(
    routing: (&str, &str),
    lexicon: (&str, &str),
    dir: &crate::model::Directory,
) -> Result<(Routing, Lexicon)> {
    let mut errs = Vec::new();
    let r = Routing::from_toml(routing.0, routing.1).map_err(|e| errs.extend(e));
    let l = Lexicon::from_toml(lexicon.0, lexicon.1).map_err(|e| errs.extend(e));
    if let Ok(r) = &r {
        errs.extend(r.check_services(routing.0, &|id| {
            dir.services
                .iter()
                .find(|s| s.id == id)
                .map(|s| crate::routing::LineService {
                    national: s.is_national(),
                    phone: !s.phones.is_empty(),
                    emergency: s
                        .phones
                        .iter()
                        .any(|p| crate::text::fold(&p.number).replace(' ', "") == "112"),
                })
        }));
    }
    match (r, l) {
        (Ok(r), Ok(l)) if errs.is_empty() => Ok((r, l)),
        _ => Err(content_error(errs)),
    }
}

/// A content folder (municipalities.csv, directory/*.csv, checklists/*.toml,
/// help-cards/*.toml, routing.toml, lexicon.toml, and distribution.toml when
/// present) as records, with every validation error naming file, row, item,
/// rule or field.
#[cfg(feature = "authoring")]
pub fn load_content_dir(dir: &std::path::Path) -> Result<Vec<Record>> {
    let d = crate::content::load_directory_dir(dir).map_err(content_error)?;
    let checklists = crate::checklist::load_dir(&dir.join("checklists")).map_err(content_error)?;
    let cards = crate::helpcard::load_dir(&dir.join("help-cards")).map_err(content_error)?;
    let read = |name: &str| -> Result<(String, String)> {
        let p = dir.join(name);
        let text = std::fs::read_to_string(&p)
            .map_err(|e| Error::Content(format!("{}: cannot read: {e}", p.display())))?;
        Ok((p.display().to_string(), text))
    };
    let (rf, rt) = read("routing.toml")?;
    let (lf, lt) = read("lexicon.toml")?;
    let (routing, lexicon) = routing_content((&rf, &rt), (&lf, &lt), &d)?;
    let mut v = directory_records(&d);
    v.extend(checklist_records(&checklists));
    v.extend(crate::helpcard::records(&cards));
    v.extend(routing_records(&routing, &lexicon));
    let path = dir.join(crate::distribution::FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::Content(format!("{}: {e}", path.display())))?;
        let dist =
            Distribution::from_toml(&path.display().to_string(), &text).map_err(content_error)?;
        v.push(dist.record());
    }
    Ok(v)
}

/// The bundled default as a snapshot of a TUF repository (`content/feed/`,
/// written by `scripts/publish-bundle.sh`): the root a fresh install
/// trusts, the targets metadata (signed by root's targets key) listing
/// `manifest.json` with its length and sha256, the manifest and its
/// snapshot. A device holding it follows that feed, so a first sync from a
/// hub that continues it is a delta.
pub const BUNDLE_MANIFEST: &[u8] = include_bytes!("../../content/feed/manifest.json");
pub const BUNDLE_SNAPSHOT: &[u8] = include_bytes!("../../content/feed/snapshot.json.gz");
/// The TUF root a fresh install trusts (who is trusted lives only in root).
pub const BUNDLE_ROOT: &[u8] = include_bytes!("../../content/feed/root.json");
pub const BUNDLE_TARGETS: &[u8] = include_bytes!("../../content/feed/targets.json");

/// The bundled feed version, verified: root (by itself), targets (by
/// root's targets keys), the manifest's length and hash, the snapshot's
/// hash and size, and the digest of its records. Expiry is not checked:
/// bundled content may be old (the device warns when it is).
pub fn signed_bundle() -> Result<(Manifest, Snapshot)> {
    verify_tuf_bundle(
        BUNDLE_ROOT,
        BUNDLE_TARGETS,
        BUNDLE_MANIFEST,
        BUNDLE_SNAPSHOT,
    )
}

fn verify_tuf_bundle(
    root: &[u8],
    targets: &[u8],
    manifest: &[u8],
    snapshot: &[u8],
) -> Result<(Manifest, Snapshot)> {
    use crate::update::metadata::Envelope;
    let bad = |e: String| Error::Content(format!("the bundled content does not verify: {e}"));
    let t = crate::update::trusted::TrustedSet::new(root, chrono::Utc::now())
        .map_err(|e| bad(e.to_string()))?;
    let env = Envelope::parse("targets", targets).map_err(|e| bad(e.to_string()))?;
    env.verify("targets", &t.root().roles["targets"], &t.root().keys)
        .map_err(|e| bad(e.to_string()))?;
    let tg = env.targets("targets").map_err(|e| bad(e.to_string()))?;
    let info = tg
        .targets
        .get("manifest.json")
        .ok_or_else(|| bad("targets.json lists no manifest.json".into()))?;
    info.verify("manifest.json", manifest)
        .map_err(|e| bad(e.to_string()))?;
    let m = crate::feed::parse_signed_manifest(manifest).map_err(|e| bad(e.to_string()))?;
    let snap = crate::feed::check_bundle_snapshot(&m, snapshot).map_err(|e| bad(e.to_string()))?;
    Ok((m, snap))
}

/// Verifies a bundle's three parts (a feed that is not a TUF repository:
/// manifest signed by the key in publisher.pub).
fn verify_bundle_parts(
    manifest: &[u8],
    snapshot: &[u8],
    key: &str,
) -> Result<(Manifest, Snapshot)> {
    let key = parse_verifying_key(key)
        .map_err(|e| Error::Content(format!("the bundled publisher key is damaged: {e}")))?;
    verify_bundle(manifest, snapshot, &[key])
        .map_err(|e| Error::Content(format!("the bundled content does not verify: {e}")))
}

/// The feed the compiled-in bundle belongs to (its TUF root is a device's
/// initial trust only for content of that feed).
pub fn bundled_feed_id() -> Option<String> {
    crate::feed::parse_signed_manifest(BUNDLE_MANIFEST)
        .ok()
        .map(|m| m.feed_id)
}

fn as_bundle(m: Manifest, snap: Snapshot) -> Bundle {
    Bundle {
        position: ContentPosition {
            feed_id: m.feed_id,
            version: m.version,
            digest: m.content_digest,
            created: m.created.to_rfc3339(),
            stale_after_days: m.stale_after_days,
        },
        records: snap.records,
    }
}

/// A bundle in a folder laid out like `content/feed/` (root.json,
/// targets.json, manifest.json, snapshot.json.gz; or, for a feed that is
/// not a TUF repository, publisher.pub instead of root and targets),
/// verified exactly as the compiled-in one: for tests and for builds that ship another region's bundle.
pub fn bundle_from_dir(dir: &std::path::Path) -> Result<Bundle> {
    let read = |name: &str| {
        let p = dir.join(name);
        std::fs::read(&p).map_err(|e| Error::Content(format!("bundle {}: {e}", p.display())))
    };
    let (m, snap) = if dir.join("root.json").exists() {
        verify_tuf_bundle(
            &read("root.json")?,
            &read("targets.json")?,
            &read("manifest.json")?,
            &read("snapshot.json.gz")?,
        )?
    } else {
        let key = String::from_utf8_lossy(&read("publisher.pub")?).into_owned();
        verify_bundle_parts(&read("manifest.json")?, &read("snapshot.json.gz")?, &key)?
    };
    Ok(as_bundle(m, snap))
}

/// The compiled-in bundle as a source for the store: verified and decoded
/// only when it may be newer than what the store holds.
pub fn compiled_source() -> crate::store::BundleSource {
    crate::store::BundleSource::new(bundled).with_peek(|| {
        crate::feed::parse_signed_manifest(BUNDLE_MANIFEST)
            .ok()
            .map(|m| (m.feed_id, m.version))
    })
}

/// A bundle folder (see [`bundle_from_dir`]) as a source for the store,
/// read whole only when it may be newer than what the store holds.
pub fn dir_source(dir: std::path::PathBuf) -> crate::store::BundleSource {
    let at = dir.clone();
    crate::store::BundleSource::new(move || bundle_from_dir(&dir)).with_peek(move || {
        let bytes = std::fs::read(at.join("manifest.json")).ok()?;
        crate::feed::parse_signed_manifest(&bytes)
            .ok()
            .map(|m| (m.feed_id, m.version))
    })
}

/// Is this the bundled version (feed id and version), i.e. a device that never synced?
pub fn is_bundled_position(feed_id: &str, version: u64) -> bool {
    match serde_json::from_slice::<crate::feed::SignedManifest>(BUNDLE_MANIFEST)
        .ok()
        .and_then(|s| serde_json::from_str::<Manifest>(&s.manifest).ok())
    {
        Some(m) => m.feed_id == feed_id && m.version == version,
        None => false,
    }
}

/// The bundled default, as the store imports it at first start.
pub fn bundled() -> Result<Bundle> {
    let (m, snap) = signed_bundle()?;
    Ok(as_bundle(m, snap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_checklists_are_exactly_the_content_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/checklists");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".toml"))
            .map(|n| format!("content/checklists/{n}"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = EMBEDDED_CHECKLISTS
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        assert_eq!(embedded, on_disk);
        for (n, text) in EMBEDDED_CHECKLISTS {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(n);
            assert_eq!(&std::fs::read_to_string(path).unwrap(), text);
        }
    }

    #[test]
    fn the_embedded_help_cards_are_exactly_the_content_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/help-cards");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".toml"))
            .map(|n| format!("content/help-cards/{n}"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = EMBEDDED_HELP_CARDS
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn the_signed_bundle_is_the_content_in_the_repository() {
        let b = bundled().expect("the bundled feed verifies");
        let mut signed = b.records.clone();
        let mut sources = embedded_records().unwrap();
        signed.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        sources.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        assert!(
            signed == sources,
            "content/ was changed but content/feed/ was not re-published: run scripts/publish-bundle.sh KEY_FILE"
        );
        assert!(b.position.version >= 1);
    }

    #[test]
    fn a_content_folder_with_a_bad_routing_model_or_lexicon_is_refused_naming_rule_and_id() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let d = tempfile::tempdir().unwrap();
        let copy = |rel: &str| {
            let to = d.path().join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(src.join(rel), to).unwrap();
        };
        for f in [
            "municipalities.csv",
            "directory/organizations.csv",
            "directory/services.csv",
            "directory/phones.csv",
            "routing.toml",
            "lexicon.toml",
        ] {
            copy(f);
        }
        for sub in ["checklists", "help-cards"] {
            for e in std::fs::read_dir(src.join(sub)).unwrap() {
                let name = e.unwrap().file_name();
                copy(&format!("{sub}/{}", name.to_string_lossy()));
            }
        }
        assert!(load_content_dir(d.path()).is_ok());
        let path = d.path().join("routing.toml");
        let good = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            good.replace("primary = [\"honour_team\",", "primary = [\"honor_team\","),
        )
        .unwrap();
        let e = load_content_dir(d.path()).unwrap_err().to_string();
        assert!(
            e.contains("routing.toml: rule 'honour': primary: unknown agency kind 'honor_team'"),
            "{e}"
        );
        std::fs::write(
            &path,
            good.replace("service = \"bris-116111\"", "service = \"bris\""),
        )
        .unwrap();
        let e = load_content_dir(d.path()).unwrap_err().to_string();
        assert!(
            e.contains("routing.toml: line 'bris': unknown service 'bris' (not in the directory)"),
            "{e}"
        );
        std::fs::write(&path, good).unwrap();
        let lex = d.path().join("lexicon.toml");
        let text = std::fs::read_to_string(&lex).unwrap();
        std::fs::write(
            &lex,
            text.replace("forms = [\"honour\"]", "forms = [\"honor\"]"),
        )
        .unwrap();
        let e = load_content_dir(d.path()).unwrap_err().to_string();
        assert!(
            e.contains("lexicon.toml: entry 'heder': forms: unknown form 'honor'"),
            "{e}"
        );
        std::fs::remove_file(&lex).unwrap();
        let e = load_content_dir(d.path()).unwrap_err().to_string();
        assert!(e.contains("lexicon.toml: cannot read"), "{e}");
    }

    #[test]
    fn the_bundle_and_the_content_folder_agree() {
        let a = embedded_records().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let b = load_content_dir(&dir).unwrap();
        assert_eq!(a, b);
        assert!(a.iter().filter(|r| r.kind == RecordKind::Service).count() >= 80);
        assert_eq!(
            a.iter().filter(|r| r.kind == RecordKind::Checklist).count(),
            6
        );
    }

    #[test]
    fn the_bundle_names_a_placeholder_hub_and_trusts_its_own_publisher() {
        let b = bundled().unwrap();
        let d = Distribution::from_records(&b.records)
            .unwrap()
            .expect("the bundled content carries distribution settings");
        // The root a fresh install trusts verifies the bundled targets.
        assert!(crate::update::trusted::TrustedSet::new(BUNDLE_ROOT, chrono::Utc::now()).is_ok());
        // Nothing real is ever contacted from the repository's content.
        for u in std::iter::once(&d.feed_url)
            .chain(&d.mirrors)
            .chain(std::iter::once(&d.hub_url))
        {
            let host = url::Url::parse(u).unwrap().host_str().unwrap().to_string();
            assert!(host.ends_with(".invalid"), "{u} is not a placeholder");
        }
    }
}
