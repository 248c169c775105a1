//! Fonts for printing: the bundled Noto Sans CJK SC, installed system fonts for the few
//! characters it lacks, and the glyph advances that text layout measures with.

use crate::error::{Error, Result};
use printpdf::ParsedFont;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Compiled in, so the CLI and the app print the same glyphs wherever they are installed.
static BUNDLED_BYTES: &[u8] = include_bytes!("../../../../ui/fonts/NotoSansCJKsc-Regular.otf");

/// Printed where no font has the character: a visible box to complete by hand, never an
/// invisible .notdef glyph. The characters themselves are reported to the caller.
pub const MISSING_MARK: char = '□';

/// Font files known to cover the CJK extension blocks; tried before any other installed file.
const PREFERRED_FILES: &[&str] =
    &["simsun.ttc", "simsunb.ttf", "simsun-extb.ttf", "simsun-extg.ttf", "msyh.ttc", "pingfang.ttc"];

/// Where Windows, macOS and Linux keep fonts.
pub(crate) fn system_font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        ["C:\\Windows\\Fonts", "/System/Library/Fonts", "/Library/Fonts", "/usr/share/fonts", "/usr/local/share/fonts"]
            .into_iter()
            .map(PathBuf::from)
            .collect();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".local/share/fonts"));
        dirs.push(Path::new(&home).join("Library/Fonts"));
    }
    if let Some(local) = std::env::var_os("LOCALAPPDATA") {
        dirs.push(Path::new(&local).join("Microsoft\\Windows\\Fonts"));
    }
    dirs
}

/// Parsed once per process: parsing the 16 MB font is the slowest step of a small print.
fn bundled() -> Result<Arc<ParsedFont>> {
    static FONT: OnceLock<Option<Arc<ParsedFont>>> = OnceLock::new();
    FONT.get_or_init(|| ParsedFont::from_bytes(BUNDLED_BYTES, 0, &mut Vec::new()).map(Arc::new))
        .clone()
        .ok_or_else(|| Error::Refused("内置字体（思源黑体）无法读取，无法打印".into()))
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Glyph {
    /// Index into `Fonts::faces`.
    pub face: usize,
    /// Glyph id in that face.
    pub id: u16,
    /// Horizontal advance in em.
    pub advance: f32,
}

/// The faces one print uses: the bundled font first, then any system fonts that were needed.
pub(crate) struct Fonts {
    faces: Vec<Arc<ParsedFont>>,
    glyphs: HashMap<char, Glyph>,
    missing: BTreeSet<char>,
}

impl Fonts {
    /// Resolves every character of `chars`: the bundled font where it can, otherwise the first
    /// font file under `fallback_dirs` that has the glyph; what none has is recorded as missing.
    pub fn load(chars: impl IntoIterator<Item = char>, fallback_dirs: &[PathBuf]) -> Result<Fonts> {
        let mut fonts = Fonts { faces: vec![bundled()?], glyphs: HashMap::new(), missing: BTreeSet::new() };
        let mut wanted: BTreeSet<char> = chars.into_iter().filter(|c| !c.is_control()).collect();
        wanted.insert(MISSING_MARK);
        wanted.retain(|&c| !fonts.resolve_in_loaded(c));
        if !wanted.is_empty() {
            for path in font_files(fallback_dirs) {
                let Some(face) = read_face(&path) else { continue };
                if wanted.iter().any(|&c| glyph_id(&face, c).is_some()) {
                    tracing::info!(font = %path.display(), "using a system font for characters the bundled font lacks");
                    fonts.faces.push(Arc::new(face));
                    wanted.retain(|&c| !fonts.resolve_in_loaded(c));
                    if wanted.is_empty() {
                        break;
                    }
                }
            }
        }
        fonts.missing = wanted;
        Ok(fonts)
    }

    fn resolve_in_loaded(&mut self, c: char) -> bool {
        for (index, face) in self.faces.iter().enumerate() {
            if let Some(gid) = glyph_id(face, c) {
                let em = f32::from(face.pdf_font_metrics.units_per_em.max(1));
                self.glyphs.insert(
                    c,
                    Glyph { face: index, id: gid, advance: f32::from(face.get_horizontal_advance(gid)) / em },
                );
                return true;
            }
        }
        false
    }

    /// The glyph that prints `c`: its own, or the missing mark (and `c` is reported).
    pub fn glyph(&mut self, c: char) -> Glyph {
        if let Some(glyph) = self.glyphs.get(&c) {
            return *glyph;
        }
        if !self.resolve_in_loaded(c) {
            self.missing.insert(c);
            let mark = self.glyphs[&MISSING_MARK];
            self.glyphs.insert(c, mark);
        }
        self.glyphs[&c]
    }

    /// Text width in em.
    pub fn width(&mut self, text: &str) -> f32 {
        text.chars().map(|c| self.glyph(c).advance).sum()
    }

    /// Splits `text` into runs that each print in one face; missing characters become the mark.
    pub fn runs(&mut self, text: &str) -> Vec<(usize, String)> {
        let mut runs: Vec<(usize, String)> = Vec::new();
        for c in text.chars() {
            let glyph = self.glyph(c);
            let c = if self.missing.contains(&c) { MISSING_MARK } else { c };
            match runs.last_mut() {
                Some((face, run)) if *face == glyph.face => run.push(c),
                _ => runs.push((glyph.face, c.to_string())),
            }
        }
        runs
    }

    pub fn faces(&self) -> &[Arc<ParsedFont>] {
        &self.faces
    }

    /// Characters that print as the mark because no font has them, in code point order.
    pub fn missing(&self) -> Vec<char> {
        self.missing.iter().copied().collect()
    }
}

/// Glyph 0 is .notdef, the empty box a font draws for a character it lacks.
fn glyph_id(face: &ParsedFont, c: char) -> Option<u16> {
    face.lookup_glyph_index(c as u32).filter(|&gid| gid != 0)
}

/// Font files under `dirs` (a few levels deep), preferred CJK files first.
fn font_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && depth < 4 {
                walk(&path, depth + 1, found);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ["ttf", "otf", "ttc", "otc"].contains(&e.to_ascii_lowercase().as_str()))
            {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    for dir in dirs {
        walk(dir, 0, &mut found);
    }
    let rank = |path: &PathBuf| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
        let preferred = PREFERRED_FILES.iter().position(|p| *p == name).unwrap_or(PREFERRED_FILES.len());
        // A regular face matches the table's text; bold or italic would stand out.
        let styled =
            ["bold", "italic", "oblique", "light", "black", "thin", "condensed"].iter().any(|s| name.contains(s));
        (preferred, styled)
    };
    found.sort_by_key(|path| (rank(path), path.clone()));
    found.dedup();
    found
}

/// The first face of a font file; collections (.ttc) repeat one glyph set across their faces.
fn read_face(path: &Path) -> Option<ParsedFont> {
    let bytes = std::fs::read(path).ok()?;
    ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_has_the_rare_name_characters() {
        let fonts = Fonts::load("曹𠇔马英䶮郝堃孔喆龑曌".chars(), &[]).unwrap();
        assert!(fonts.missing().is_empty(), "{:?}", fonts.missing());
        assert_eq!(fonts.faces().len(), 1);
    }

    #[test]
    fn a_character_no_font_has_is_reported_and_printed_as_the_mark() {
        // Both are unassigned code points (Greek block, plane 2). Private-use ones would not
        // do: Carlito, for one, maps U+F8FF.
        let mut fonts = Fonts::load("张\u{2F000}三\u{378}".chars(), &system_font_dirs()).unwrap();
        assert_eq!(fonts.missing(), ['\u{378}', '\u{2F000}']);
        assert_eq!(fonts.runs("张\u{2F000}三"), [(0, "张□三".to_string())]);
    }

    #[test]
    fn a_character_the_bundled_font_lacks_comes_from_a_system_font() {
        // Georgian Ⴀ is not in Noto Sans CJK; DejaVu Sans, installed on most Linux desktops, has it.
        let dejavu = PathBuf::from("/usr/share/fonts/truetype/dejavu");
        if !dejavu.join("DejaVuSans.ttf").exists() {
            eprintln!("skipped: DejaVu Sans is not installed");
            return;
        }
        let mut fonts = Fonts::load("张Ⴀ".chars(), &[dejavu]).unwrap();
        assert!(fonts.missing().is_empty());
        assert_eq!(fonts.faces().len(), 2);
        assert_eq!(fonts.runs("张Ⴀ三"), [(0, "张".into()), (1, "Ⴀ".into()), (0, "三".into())]);
    }

    #[test]
    fn full_width_characters_are_one_em_and_digits_narrower() {
        let mut fonts = Fonts::load("张0".chars(), &[]).unwrap();
        assert!((fonts.width("张") - 1.0).abs() < 0.01);
        assert!(fonts.width("0") < 0.7);
    }

    #[test]
    fn preferred_cjk_files_come_first_and_regular_faces_before_styled_ones() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["arial.ttf", "SimSun-ExtB.ttf", "notes.txt", "msyh.ttc", "Arial-Bold.ttf"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let names: Vec<String> = font_files(&[dir.path().to_path_buf()])
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["SimSun-ExtB.ttf", "msyh.ttc", "arial.ttf", "Arial-Bold.ttf"]);
    }
}
