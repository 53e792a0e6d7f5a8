//! Finding the machine's PostgreSQL server binaries.
//!
//! Search order: an explicit directory (`--pg-bin-dir`), then every directory on `PATH`, then
//! `pg_config --bindir`, then `/usr/lib/postgresql/*/bin`, newest major version first. A
//! directory qualifies when it holds `initdb`, `pg_ctl` and `postgres` side by side.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::DbError;

/// The three programs the embedded cluster needs, all from one installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBinaries {
    pub bindir: PathBuf,
}

impl PgBinaries {
    pub fn initdb(&self) -> PathBuf {
        self.bindir.join("initdb")
    }
    pub fn pg_ctl(&self) -> PathBuf {
        self.bindir.join("pg_ctl")
    }
    pub fn postgres(&self) -> PathBuf {
        self.bindir.join("postgres")
    }
}

/// Where to look. [`SearchPaths::system`] reads the real machine; tests build their own.
#[derive(Debug, Clone, Default)]
pub struct SearchPaths {
    pub explicit: Option<PathBuf>,
    pub path_env: Option<OsString>,
    pub pg_config: Option<PathBuf>,
    pub versioned_roots: Vec<PathBuf>,
}

impl SearchPaths {
    pub fn system(explicit: Option<PathBuf>) -> Self {
        SearchPaths {
            explicit,
            path_env: std::env::var_os("PATH"),
            pg_config: Some(PathBuf::from("pg_config")),
            versioned_roots: vec![PathBuf::from("/usr/lib/postgresql")],
        }
    }
}

const PROGRAMS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// The directory holding all three programs, following a symlinked `initdb` (as in
/// `/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb`) to its real home when the
/// link's own directory lacks the others.
fn qualify(dir: &Path) -> Option<PathBuf> {
    // Programs run from `/`, so a relative directory must be made absolute first.
    let dir = &std::path::absolute(dir).ok()?;
    let complete = |d: &Path| PROGRAMS.iter().all(|p| is_executable(&d.join(p)));
    if complete(dir) {
        return Some(dir.to_path_buf());
    }
    let real = std::fs::canonicalize(dir.join("initdb")).ok()?;
    let real_dir = real.parent()?;
    complete(real_dir).then(|| real_dir.to_path_buf())
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn pg_config_bindir(pg_config: &Path) -> Option<PathBuf> {
    let out = Command::new(pg_config).arg("--bindir").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = String::from_utf8(out.stdout).ok()?;
    let dir = dir.trim();
    (!dir.is_empty()).then(|| PathBuf::from(dir))
}

/// `/usr/lib/postgresql/{17,16,15}/bin`, numerically newest first.
fn versioned_bindirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let key = name
                .split('.')
                .map(|p| p.parse::<u32>().ok())
                .collect::<Option<Vec<_>>>()?;
            Some((key, e.path().join("bin")))
        })
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, p)| p).collect()
}

/// Find the server binaries, or explain how to get them.
pub fn find(search: &SearchPaths) -> Result<PgBinaries, DbError> {
    if let Some(dir) = &search.explicit {
        return qualify(dir)
            .map(|bindir| PgBinaries { bindir })
            .ok_or_else(|| DbError::NoServerBinaries {
                looked: format!("{} (from --pg-bin-dir)", dir.display()),
            });
    }
    let mut looked = Vec::new();
    if let Some(path) = &search.path_env {
        for dir in std::env::split_paths(path) {
            if let Some(bindir) = qualify(&dir) {
                return Ok(PgBinaries { bindir });
            }
        }
        looked.push("PATH".to_string());
    }
    if let Some(pg_config) = &search.pg_config {
        if let Some(bindir) = pg_config_bindir(pg_config).and_then(|d| qualify(&d)) {
            return Ok(PgBinaries { bindir });
        }
        looked.push("pg_config --bindir".to_string());
    }
    for root in &search.versioned_roots {
        for dir in versioned_bindirs(root) {
            if let Some(bindir) = qualify(&dir) {
                return Ok(PgBinaries { bindir });
            }
        }
        looked.push(format!("{}/*/bin", root.display()));
    }
    Err(DbError::NoServerBinaries {
        looked: looked.join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn fake_install(dir: &Path, programs: &[&str]) {
        std::fs::create_dir_all(dir).unwrap();
        for p in programs {
            let f = dir.join(p);
            std::fs::write(&f, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    #[test]
    fn nothing_found_names_every_place_and_the_fix() {
        let tmp = tempfile::tempdir().unwrap();
        let search = SearchPaths {
            explicit: None,
            path_env: Some(tmp.path().join("empty").into_os_string()),
            pg_config: Some(tmp.path().join("no-pg_config")),
            versioned_roots: vec![tmp.path().join("usr/lib/postgresql")],
        };
        let err = find(&search).unwrap_err().to_string();
        assert!(err.contains("apt-get install postgresql"), "{err}");
        assert!(err.contains("DATABASE_URL"), "{err}");
        assert!(err.contains("PATH"), "{err}");
    }

    #[test]
    fn newest_versioned_install_wins_and_incomplete_ones_are_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("pg");
        fake_install(&root.join("9.6/bin"), &PROGRAMS);
        fake_install(&root.join("15/bin"), &PROGRAMS);
        fake_install(&root.join("16/bin"), &["initdb"]);
        let search = SearchPaths {
            versioned_roots: vec![root.clone()],
            ..SearchPaths::default()
        };
        assert_eq!(find(&search).unwrap().bindir, root.join("15/bin"));
    }

    #[test]
    fn path_is_searched_first_and_symlinks_are_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("lib/15/bin");
        fake_install(&real, &PROGRAMS);
        let on_path = tmp.path().join("bin");
        std::fs::create_dir_all(&on_path).unwrap();
        std::os::unix::fs::symlink(real.join("initdb"), on_path.join("initdb")).unwrap();
        let search = SearchPaths {
            path_env: Some(on_path.into_os_string()),
            ..SearchPaths::default()
        };
        assert_eq!(
            find(&search).unwrap().bindir,
            std::fs::canonicalize(&real).unwrap()
        );
    }

    #[test]
    fn an_explicit_directory_without_the_programs_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let search = SearchPaths {
            explicit: Some(tmp.path().to_path_buf()),
            ..SearchPaths::system(None)
        };
        let err = find(&search).unwrap_err().to_string();
        assert!(err.contains("--pg-bin-dir"), "{err}");
    }
}
