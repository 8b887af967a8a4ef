//! How an offer announces itself: a sound and a desktop notification, each of which the agent can turn
//! off. The two choices are remembered in the browser (they are preferences, not customer data).

use hovor_types::routing::Offer;
use leptos::prelude::*;
use web_sys::{HtmlAudioElement, Notification, NotificationOptions, NotificationPermission};

const STORAGE_KEY: &str = "hovor.alerts";
const SOUND: &str = "/offer.wav";

#[derive(Clone, Copy)]
pub struct Alerts {
    pub sound: RwSignal<bool>,
    pub notify: RwSignal<bool>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn provide_alerts() -> Alerts {
    let saved = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).unwrap_or_default();
    let alerts = Alerts {
        sound: RwSignal::new(!saved.contains("sound-off")),
        notify: RwSignal::new(!saved.contains("notify-off")),
    };
    Effect::new(move |_| {
        let value = format!(
            "{} {}",
            if alerts.sound.get() { "sound-on" } else { "sound-off" },
            if alerts.notify.get() { "notify-on" } else { "notify-off" }
        );
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, &value);
        }
    });
    provide_context(alerts);
    alerts
}

pub fn use_alerts() -> Alerts {
    expect_context()
}

impl Alerts {
    /// Plays the sound and shows a notification for a new offer, as far as the agent and browser allow.
    pub fn announce(self, offer: &Offer, title: &str) {
        // Browsers refuse sound before the first click on the page; the popover still shows.
        if self.sound.get_untracked()
            && let Ok(audio) = HtmlAudioElement::new_with_src(SOUND)
        {
            let _ = audio.play();
        }
        if self.notify.get_untracked() && Notification::permission() == NotificationPermission::Granted {
            let options = NotificationOptions::new();
            options.set_body(&offer.queue_name);
            options.set_tag(&format!("offer-{}", offer.conversation_id));
            let _ = Notification::new_with_options(title, &options);
        }
    }

    /// Turning notifications on asks the browser for permission (it must come from a click).
    pub fn set_notify(self, on: bool) {
        self.notify.set(on);
        if on && Notification::permission() == NotificationPermission::Default {
            let _ = Notification::request_permission();
        }
    }
}
