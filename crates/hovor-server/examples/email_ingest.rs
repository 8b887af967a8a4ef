//! Benchmark: reading an arriving email (docs/PERFORMANCE.md, "Arriving email").
//!
//! Parses, sanitises and caps three kinds of email with `email::incoming::read`, as the inbound endpoint
//! does before it stores anything: an ordinary HTML newsletter (60 KB, a table layout with links and
//! images), the largest email accepted (10 MB of wide HTML), and a hostile one (10 MB nested 100,000
//! deep). Prints p50 / p99 (or the one time) against the budgets.

use std::time::Instant;

use hovor_server::email::incoming::{RAW_MAX_BYTES, read};

const ORDINARY_BUDGET_MS: f64 = 20.0;
const HUGE_BUDGET_MS: f64 = 2_000.0;
const ROUNDS: usize = 200;

fn email(html: &str) -> Vec<u8> {
    format!(
        "From: Shop <news@shop.example>\r\nTo: support@hovor.example\r\nSubject: Your order\r\n\
         Message-ID: <n1@shop.example>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}"
    )
    .into_bytes()
}

fn newsletter(bytes: usize) -> String {
    let row = "<tr><td style=\"padding:8px\"><a href=\"https://shop.example/p/1\"><img src=\"https://cdn.shop.example/p1.jpg\" alt=\"Product\"></a></td>\
               <td><b>Winter boots</b><br>Now <i>20 %</i> off for members. <a href=\"https://shop.example/p/1\">Buy</a></td></tr>";
    let mut html = String::from("<html><body><table>");
    while html.len() < bytes {
        html.push_str(row);
    }
    html.push_str("</table></body></html>");
    html
}

fn time(raw: &[u8]) -> f64 {
    let started = Instant::now();
    let email = read(raw).expect("readable");
    std::hint::black_box(email);
    started.elapsed().as_secs_f64() * 1000.0
}

fn report(label: &str, value: f64, budget: f64) -> bool {
    let ok = value <= budget;
    println!("{label:<52} {value:>9.1} ms  <= {budget} ms {}", if ok { "" } else { "OVER BUDGET" });
    ok
}

fn main() {
    let ordinary = email(&newsletter(60 * 1024));
    let mut times: Vec<f64> = (0..ROUNDS).map(|_| time(&ordinary)).collect();
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let mut ok = report("ordinary 60 KB HTML email, p50", p(0.5), ORDINARY_BUDGET_MS);
    ok &= report("ordinary 60 KB HTML email, p99", p(0.99), ORDINARY_BUDGET_MS);

    let wide = email(&newsletter(RAW_MAX_BYTES - 1024));
    ok &= report("10 MB of wide HTML (cut to 512 KB)", time(&wide), HUGE_BUDGET_MS);
    let mut deep = "<div>".repeat(100_000);
    deep.push_str(&"word ".repeat((RAW_MAX_BYTES - deep.len()) / 5 - 1024));
    ok &= report("10 MB nested 100,000 deep (kept as text)", time(&email(&deep)), HUGE_BUDGET_MS);
    if !ok {
        std::process::exit(1);
    }
}
