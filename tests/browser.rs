//! Browser unit tests (wasm-bindgen-test in headless Chromium): what needs a real browser's `Intl`,
//! and the list-window rules the timeline depends on.

use hovor::components::window::Window;
use hovor::format;
use hovor::i18n::Locale;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn durations_follow_each_languages_words() {
    assert_eq!(format::duration(Locale::en, 200), "3 min 20 sec");
    assert_eq!(format::duration(Locale::cs, 200), "3 min 20 s");
    assert_eq!(format::duration(Locale::uk, 200), "3 хв 20 с");
    assert_eq!(format::duration(Locale::en, 7_500), "2 hr 5 min");
}

#[wasm_bindgen_test]
fn dates_follow_each_languages_conventions() {
    // 2026-11-21 12:00 UTC: the day is the same in every European time zone.
    let noon = 1_795_262_400_000;
    assert_eq!(format::date(Locale::en, noon), "Nov 21, 2026");
    assert_eq!(format::date(Locale::cs, noon), "21. 11. 2026");
    assert!(format::date(Locale::bg, noon).starts_with("21.11.2026"));
}

#[wasm_bindgen_test]
fn counts_take_each_languages_plural_forms() {
    use format::Plural::{Few, Many, One, Other};
    let forms =
        |locale, counts: &[u32]| counts.iter().map(|n| format::plural(locale, *n as f64)).collect::<Vec<_>>();
    assert_eq!(forms(Locale::en, &[0, 1, 2, 7]), [Other, One, Other, Other]);
    assert_eq!(forms(Locale::bg, &[0, 1, 2, 7]), [Other, One, Other, Other]);
    assert_eq!(forms(Locale::cs, &[0, 1, 2, 4, 5, 22]), [Other, One, Few, Few, Other, Other]);
    assert_eq!(
        forms(Locale::uk, &[0, 1, 2, 5, 11, 21, 22, 25]),
        [Many, One, Few, Many, Many, One, Few, Many]
    );
}

#[wasm_bindgen_test]
fn the_window_never_renders_more_than_its_size() {
    let mut w = Window::at_bottom(10_000, 100, 40);
    assert_eq!((w.start, w.end), (9_900, 10_000));
    assert!(w.up());
    assert_eq!((w.start, w.end), (9_860, 9_960));
    assert!(w.down(10_000));
    assert_eq!((w.start, w.end), (9_900, 10_000));
    assert!(!w.down(10_000));
}

#[wasm_bindgen_test]
fn older_rows_put_in_front_keep_the_same_rows_in_view() {
    let mut w = Window::at_bottom(50, 100, 40);
    assert_eq!((w.start, w.end), (0, 50));
    assert!(!w.up(), "nothing older is loaded yet");
    w.prepended(50);
    assert_eq!((w.start, w.end), (50, 100));
    assert!(w.up());
    assert_eq!((w.start, w.end), (10, 100));
}

#[wasm_bindgen_test]
fn a_window_at_the_bottom_follows_new_rows_and_one_scrolled_up_stays() {
    let mut bottom = Window::at_bottom(100, 100, 40);
    bottom.appended(100, 101);
    assert_eq!((bottom.start, bottom.end), (1, 101));
    let mut reading = Window::at_bottom(200, 100, 40);
    reading.up();
    let before = reading;
    reading.appended(200, 201);
    assert_eq!(reading, before);
}

#[wasm_bindgen_test]
fn initials_take_the_first_and_last_word_in_their_own_script() {
    use hovor::components::avatar::{hue, initials};
    assert_eq!(initials("Tereza Malá"), "TM");
    assert_eq!(initials("  олга  ковальова-лайт "), "ОК");
    assert_eq!(initials("Jan Amos Komenský"), "JK");
    assert_eq!(initials("Ólafur"), "Ó");
    assert_eq!(initials("(Petr) Svoboda"), "PS");
    assert_eq!(initials("   "), "?");
    assert_eq!(hue("Tereza Malá"), hue("Tereza Malá"));
    assert!(hue("Tereza Malá") < 360 && hue("Petr Svoboda") != hue("Tereza Malá"));
}
