//! How the window looks: the bundled fonts, the theme and the reading text size.
//!
//! The speeches are set in Noto Serif (regular, italic and bold), bundled in `assets/fonts`
//! under the SIL Open Font License, which covers Latin, Greek and Cyrillic. The interface
//! keeps egui's own font, with Noto Sans behind it for the same scripts and two Noto symbol
//! fonts for arrows and signs. Any other script (Chinese, Japanese, Korean, Arabic…) is drawn
//! from a system font found on demand (eframe's system font provider), never as empty boxes
//! while the system has a font for it.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

/// The family the speeches are set in.
pub const READING: &str = "reading";
pub const READING_ITALIC: &str = "reading-italic";
pub const READING_BOLD: &str = "reading-bold";

const FONTS: &[(&str, &[u8])] = &[
    (
        "NotoSerif-Regular",
        include_bytes!("../../assets/fonts/NotoSerif-Regular.ttf"),
    ),
    (
        "NotoSerif-Italic",
        include_bytes!("../../assets/fonts/NotoSerif-Italic.ttf"),
    ),
    (
        "NotoSerif-Bold",
        include_bytes!("../../assets/fonts/NotoSerif-Bold.ttf"),
    ),
    (
        "NotoSans-Regular",
        include_bytes!("../../assets/fonts/NotoSans-Regular.ttf"),
    ),
    (
        "NotoSansSymbols-Regular",
        include_bytes!("../../assets/fonts/NotoSansSymbols-Regular.ttf"),
    ),
    (
        "NotoSansSymbols2-Regular",
        include_bytes!("../../assets/fonts/NotoSansSymbols2-Regular.ttf"),
    ),
];

/// Fonts behind the first choice of every family, for the characters it lacks.
const FALLBACKS: &[&str] = &[
    "NotoSans-Regular",
    "NotoSansSymbols-Regular",
    "NotoSansSymbols2-Regular",
];

/// The font definitions with the bundled fonts added.
pub fn fonts() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    for (name, bytes) in FONTS {
        fonts
            .font_data
            .insert((*name).to_owned(), Arc::new(FontData::from_static(bytes)));
    }
    let egui_own = fonts
        .families
        .get(&FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    let chain = |first: &str| -> Vec<String> {
        std::iter::once(first.to_owned())
            .chain(FALLBACKS.iter().map(|f| (*f).to_owned()))
            .chain(egui_own.iter().cloned())
            .collect()
    };
    for (family, first) in [
        (READING, "NotoSerif-Regular"),
        (READING_ITALIC, "NotoSerif-Italic"),
        (READING_BOLD, "NotoSerif-Bold"),
    ] {
        fonts
            .families
            .insert(FontFamily::Name(family.into()), chain(first));
    }
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        let list = fonts.families.entry(family).or_default();
        list.extend(FALLBACKS.iter().map(|f| (*f).to_owned()));
    }
    fonts
}

/// The reading settings the researcher chooses, kept between runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    pub theme: egui::ThemePreference,
    /// The size of the speech's body text, in points.
    pub text_size: f32,
    /// Whether the reader's side panel (about the speech, outline, annotations) is shown;
    /// hidden, it still opens for an annotation being edited.
    pub side_panel: bool,
}

pub const TEXT_SIZES: std::ops::RangeInclusive<f32> = 12.0..=28.0;

impl Default for Look {
    fn default() -> Self {
        Self {
            theme: egui::ThemePreference::System,
            text_size: 17.0,
            side_panel: true,
        }
    }
}

const THEME_KEY: &str = "lectern.theme";
const SIZE_KEY: &str = "lectern.text_size";
const SIDE_PANEL_KEY: &str = "lectern.side_panel";

impl Look {
    pub fn load(storage: &dyn eframe::Storage) -> Self {
        let theme = match storage.get_string(THEME_KEY).as_deref() {
            Some("light") => egui::ThemePreference::Light,
            Some("dark") => egui::ThemePreference::Dark,
            _ => egui::ThemePreference::System,
        };
        let mut look = Self {
            theme,
            side_panel: storage.get_string(SIDE_PANEL_KEY).as_deref() != Some("hidden"),
            ..Self::default()
        };
        if let Some(size) = storage
            .get_string(SIZE_KEY)
            .and_then(|s| s.parse::<f32>().ok())
            .filter(|s| TEXT_SIZES.contains(s))
        {
            look.text_size = size;
        }
        look
    }

    pub fn store(self, storage: &mut dyn eframe::Storage) {
        let theme = match self.theme {
            egui::ThemePreference::Light => "light",
            egui::ThemePreference::Dark => "dark",
            egui::ThemePreference::System => "system",
        };
        storage.set_string(THEME_KEY, theme.to_owned());
        storage.set_string(SIZE_KEY, self.text_size.to_string());
        let side = if self.side_panel { "shown" } else { "hidden" };
        storage.set_string(SIDE_PANEL_KEY, side.to_owned());
    }

    /// Bigger (+1) or smaller (-1) reading text; 0 for the default size.
    pub fn step_text_size(&mut self, step: i8) {
        self.text_size = if step == 0 {
            Self::default().text_size
        } else {
            (self.text_size + f32::from(step)).clamp(*TEXT_SIZES.start(), *TEXT_SIZES.end())
        };
    }

    /// The menu of the top bar: theme, text size and the reader's side panel.
    pub fn menu(&mut self, ui: &mut egui::Ui) {
        ui.label("Theme");
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.theme, egui::ThemePreference::System, "System");
            ui.selectable_value(&mut self.theme, egui::ThemePreference::Light, "Light");
            ui.selectable_value(&mut self.theme, egui::ThemePreference::Dark, "Dark");
        });
        ui.separator();
        ui.label("Reading text size");
        ui.horizontal(|ui| {
            if ui.button("A-").on_hover_text("Ctrl+-").clicked() {
                self.step_text_size(-1);
            }
            ui.add(
                egui::Slider::new(&mut self.text_size, TEXT_SIZES)
                    .step_by(1.0)
                    .suffix(" pt"),
            );
            if ui.button("A+").on_hover_text("Ctrl+=").clicked() {
                self.step_text_size(1);
            }
        });
        ui.separator();
        ui.checkbox(&mut self.side_panel, "Side panel beside the text")
            .on_hover_text("Ctrl+\\: about the speech, its outline and annotations");
    }
}
