//! Running the app in a window: eframe's `App`, the window's options, and the startup probe
//! the startup benchmark reads.

use std::path::PathBuf;

use super::LecternApp;

/// For the startup benchmark (`scripts/bench-startup.sh`): with `LECTERN_STARTUP_PROBE`
/// set, the app prints when its first frame and its first frame with the archive's library
/// were on screen (milliseconds since the Unix epoch), then closes.
#[derive(Default)]
pub(super) struct StartupProbe {
    frames: u32,
    first: Option<u128>,
    /// Set once a frame with the archive loaded has been drawn.
    archive_drawn: bool,
    reported: bool,
}

fn epoch_millis() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

impl StartupProbe {
    /// Called as each frame starts: the frame before it is on screen by now.
    fn frame_starts(&mut self, ctx: &egui::Context, archive_loaded: bool) {
        if self.frames == 1 {
            self.first = Some(epoch_millis());
        }
        if self.archive_drawn && !self.reported {
            self.reported = true;
            println!(
                "startup: first frame {} library {}",
                self.first.unwrap_or_default(),
                epoch_millis()
            );
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        self.archive_drawn = archive_loaded && self.frames > 0;
        self.frames += 1;
        ctx.request_repaint();
    }
}

impl eframe::App for LecternApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.update(ctx);
        if let Some(probe) = &mut self.startup_probe {
            probe.frame_starts(ctx, self.archive.is_some());
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.remember(storage);
        self.look.store(storage);
        self.opener.store(storage);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Quitting never loses an edit: what is typed is committed and everything written.
        self.flush();
    }
}

/// Runs the desktop app on `archive` (or the last archive used).
pub fn run(archive: Option<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Lectern")
            .with_app_id("lectern")
            .with_icon(
                // Rendered from assets/icon.svg (rsvg-convert -w 256); a broken file would be
                // a build mistake, so fall back to no icon rather than fail.
                eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png"))
                    .unwrap_or_default(),
            )
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([640.0, 400.0]),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "Lectern",
        options,
        Box::new(move |cc| Ok(Box::new(LecternApp::from_creation(cc, archive.as_deref())))),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
