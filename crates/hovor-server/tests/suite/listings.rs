//! Listings → Interactions on a scripted clock: presets read in the user's zone across midnight, the
//! filters, sorting and paging, and the rights: a user lists their own interactions and those of the
//! users and queues an administrator granted them, nothing else.

use crate::common::TestServer;

use axum::http::StatusCode;
use serde_json::{Value, json};

/// 2030-01-15 23:30 UTC: already 00:30 on the 16th in Prague.
const NOW: i64 = 1_894_750_200_000;
const MINUTE: i64 = 60_000;

struct Listing {
    server: TestServer,
}

/// An interaction as the test stores it.
struct Stored<'a> {
    queue: i64,
    channel: &'a str,
    agent: Option<i64>,
    at: i64,
    subject: &'a str,
    body: &'a str,
    status: &'a str,
    direction: &'a str,
    contact: Option<i64>,
}

impl Listing {
    async fn store(&self, i: Stored<'_>) -> i64 {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (queue_id, channel, contact_id, agent_id, status, subject, language,
                                        queued_at, started_at, direction, customer_name)
             VALUES ($1, $2, $3, $4, $5, $6, 'cs', $7, $7, $8, 'Zákazník') RETURNING id",
        )
        .bind(i.queue)
        .bind(i.channel)
        .bind(i.contact)
        .bind(i.agent)
        .bind(i.status)
        .bind(i.subject)
        .bind(i.at)
        .bind(i.direction)
        .fetch_one(&self.server.pool)
        .await
        .unwrap();
        let message: i64 = sqlx::query_scalar(
            "INSERT INTO messages (conversation_id, contact_id, direction, author, body, at)
             VALUES ($1, $2, $3, 'Zákazník', $4, $5) RETURNING id",
        )
        .bind(id)
        .bind(i.contact)
        .bind(i.direction)
        .bind(i.body)
        .bind(i.at)
        .fetch_one(&self.server.pool)
        .await
        .unwrap();
        if i.channel == "email" {
            let (kind, status) =
                if i.direction == "outbound" { ("new", "failed") } else { ("received", "received") };
            sqlx::query(
                "INSERT INTO emails (message_id, conversation_id, header_id, kind, from_name, from_address,
                                     subject, text, attachments, status)
                 VALUES ($1, $2, $3, $4, 'Jana', 'jana@example.cz', $5, $6, $7, $8)",
            )
            .bind(message)
            .bind(id)
            .bind(format!("listing-{id}@example.cz"))
            .bind(kind)
            .bind(i.subject)
            .bind(format!("{}\n\nThe whole body says more: číslo smlouvy 4471.", i.body))
            .bind(r#"[{"name":"a.pdf"},{"name":"b.png"}]"#)
            .bind(status)
            .execute(&self.server.pool)
            .await
            .unwrap();
        }
        id
    }

    async fn list(&self, cookie: &str, query: &str) -> Value {
        let answer =
            self.server.request("GET", &format!("/api/interactions?{query}"), Some(cookie), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.json);
        let count =
            self.server.request("GET", &format!("/api/interactions/count?{query}"), Some(cookie), None).await;
        assert_eq!(count.status, StatusCode::OK, "{}", count.json);
        let rows = answer.json["rows"].as_array().unwrap().len() as u64;
        if answer.json["page"] == 0 && answer.json["more"] == false {
            assert_eq!(count.json["total"], json!(rows), "{query}: the count and the page agree");
        }
        answer.json
    }

    async fn ids(&self, cookie: &str, query: &str) -> Vec<i64> {
        let page = self.list(cookie, query).await;
        page["rows"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
    }

    /// The ids of the users and of the queues the filters offer `cookie`, each sorted.
    async fn choices(&self, cookie: &str) -> (Vec<i64>, Vec<i64>) {
        let answer = self.server.request("GET", "/api/interactions/choices", Some(cookie), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        let ids = |list: &Value| {
            let mut ids: Vec<i64> =
                list.as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()).collect();
            ids.sort_unstable();
            ids
        };
        (ids(&answer.json["users"]), ids(&answer.json["queues"]))
    }

    async fn grant(&self, admin: &str, user: i64, rights: Value) -> crate::common::Answer {
        let path = format!("/api/admin/users/{user}/listing-rights");
        self.server.request("PUT", &path, Some(admin), Some(rights)).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_lists_their_own_and_granted_interactions_by_time_in_their_zone_filtered_and_sorted() {
    let (server, _clock) = TestServer::new().await.with_scripted_clock(NOW);
    let listing = Listing { server };
    let server = &listing.server;
    let (q1, q2) = (server.queue_id(0).await, server.queue_id(1).await);
    let (eva, olga, ivan) = ("agent1", "agent2", "agent3");
    let (eva_id, olga_id, ivan_id) =
        (server.user_id(eva).await, server.user_id(olga).await, server.user_id(ivan).await);
    let contact: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (first_name, last_name, language) VALUES ('Jana', 'Nováková', 'cs') RETURNING id",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let email = |queue, agent, at, subject, body| Stored {
        queue,
        channel: "email",
        agent: Some(agent),
        at,
        subject,
        body,
        status: "ended",
        direction: "inbound",
        contact: None,
    };
    // Ten minutes after Prague's midnight (still the 15th in UTC), and ten minutes before it.
    let after_midnight =
        listing.store(email(q1, eva_id, NOW - 20 * MINUTE, "Faktura 12", "Dobrý den, faktura")).await;
    let before_midnight =
        listing.store(email(q2, olga_id, NOW - 40 * MINUTE, "Adresa", "Změna adresy prosím")).await;
    let outbound = listing
        .store(Stored {
            direction: "outbound",
            status: "active",
            contact: Some(contact),
            ..email(q1, eva_id, NOW - 10 * MINUTE, "Nabídka", "Posíláme nabídku")
        })
        .await;
    let chat = listing
        .store(Stored { channel: "chat", ..email(q1, eva_id, NOW - 5 * MINUTE, "", "Chat today") })
        .await;

    let admin = server.sign_in("admin").await;
    let eva_cookie = server.sign_in(eva).await;
    let ivan_cookie = server.sign_in(ivan).await;
    let prague = "channel=email&zone=Europe/Prague";

    // Today in Prague began at 23:00 UTC; in UTC it is still the 15th.
    assert_eq!(listing.ids(&admin, prague).await, vec![outbound, after_midnight], "newest first");
    assert_eq!(listing.ids(&admin, &format!("{prague}&time=yesterday")).await, vec![before_midnight]);
    assert_eq!(
        listing.ids(&admin, "channel=email&zone=UTC").await,
        vec![outbound, after_midnight, before_midnight]
    );
    assert_eq!(listing.ids(&admin, "channel=chat&zone=Europe/Prague").await, vec![chat]);
    let custom = format!("{prague}&time=custom&from=2030-01-15&to=2030-01-16");
    assert_eq!(listing.ids(&admin, &custom).await.len(), 3);

    // The row's columns.
    let page = listing.list(&admin, &format!("{prague}&time=last_7_days")).await;
    let row = &page["rows"][0];
    assert_eq!(row["id"], json!(outbound));
    assert_eq!(row["unique_name"], json!(format!("email-{outbound}")));
    assert_eq!((row["queue"]["id"].clone(), row["user"]["name"].is_string()), (json!(q1), true));
    assert_eq!(row["contact"], json!({"id": contact, "name": "Jana Nováková"}));
    assert_eq!((row["title"].clone(), row["attachments"].clone()), (json!("Nabídka"), json!(2)));
    assert_eq!(
        (row["text"].clone(), row["email_state"].clone()),
        (json!("Posíláme nabídku"), json!("failed"))
    );
    assert_eq!((row["status"].clone(), row["direction"].clone()), (json!("active"), json!("outbound")));
    assert_eq!(page["rows"][1]["email_state"], Value::Null, "inbound email has no delivery state");
    assert_eq!(page["rows"][1]["contact"], Value::Null, "not paired: the list's +");

    // Filters: text in a message or only in the email's whole body, contact, status, direction, user, queue.
    let week = format!("{prague}&time=this_week");
    assert_eq!(listing.ids(&admin, &format!("{week}&text=FAKTURA")).await, vec![after_midnight]);
    assert_eq!(listing.ids(&admin, &format!("{week}&text=smlouvy%204471")).await.len(), 3);
    assert_eq!(listing.ids(&admin, &format!("{week}&contact={contact}")).await, vec![outbound]);
    assert_eq!(
        listing.ids(&admin, &format!("{week}&status=ended")).await,
        vec![after_midnight, before_midnight]
    );
    assert_eq!(listing.ids(&admin, &format!("{week}&direction=outbound")).await, vec![outbound]);
    assert_eq!(listing.ids(&admin, &format!("{week}&users={olga_id}")).await, vec![before_midnight]);
    assert_eq!(
        listing.ids(&admin, &format!("{week}&queues={q1},{q2}&users={eva_id}")).await,
        vec![outbound, after_midnight]
    );

    // Sorting by a column, and the second click reverses it.
    assert_eq!(
        listing.ids(&admin, &format!("{week}&sort=title&desc=false")).await,
        vec![before_midnight, after_midnight, outbound]
    );
    assert_eq!(
        listing.ids(&admin, &format!("{week}&sort=title&desc=true")).await,
        vec![outbound, after_midnight, before_midnight]
    );
    assert_eq!(
        listing.ids(&admin, &format!("{week}&sort=time&desc=false")).await,
        vec![before_midnight, after_midnight, outbound]
    );

    for sort in ["queue", "user", "contact", "attachments", "status"] {
        for desc in [false, true] {
            let ids = listing.ids(&admin, &format!("{week}&sort={sort}&desc={desc}")).await;
            assert_eq!(ids.len(), 3, "sorted by {sort}");
        }
    }
    let by_queue = listing.ids(&admin, &format!("{week}&sort=queue&desc=false")).await;
    let by_queue_reversed = listing.ids(&admin, &format!("{week}&sort=queue&desc=true")).await;
    assert_eq!(by_queue.iter().rev().collect::<Vec<_>>(), by_queue_reversed.iter().collect::<Vec<_>>());

    // Rights: Eva sees what she handled; Ivan, who handled none, sees nothing until granted.
    assert_eq!(listing.ids(&eva_cookie, &week).await, vec![outbound, after_midnight]);
    assert_eq!(listing.ids(&ivan_cookie, &week).await, Vec::<i64>::new());
    // His filters offer himself and his own queues; an administrator's, everyone and every queue.
    let ivan_queues: Vec<i64> =
        sqlx::query_scalar("SELECT queue_id FROM queue_members WHERE user_id = $1 ORDER BY queue_id")
            .bind(ivan_id)
            .fetch_all(&server.pool)
            .await
            .unwrap();
    assert_eq!(listing.choices(&ivan_cookie).await, (vec![ivan_id], ivan_queues.clone()));
    let (all_users, all_queues) = listing.choices(&admin).await;
    let count = |table: &str| format!("SELECT COUNT(*) FROM {table}");
    let users_count: i64 =
        sqlx::query_scalar(sqlx::AssertSqlSafe(count("users"))).fetch_one(&server.pool).await.unwrap();
    let queues_count: i64 =
        sqlx::query_scalar(sqlx::AssertSqlSafe(count("queues"))).fetch_one(&server.pool).await.unwrap();
    assert_eq!((all_users.len() as i64, all_queues.len() as i64), (users_count, queues_count));
    // The teams group the users offered: an administrator's are every agent's teams, Ivan's only his own.
    let teams = |cookie: String| async move {
        let answer = server.request("GET", "/api/interactions/choices", Some(&cookie), None).await;
        answer.json["teams"].as_array().unwrap().clone()
    };
    let all_teams = teams(admin.clone()).await;
    let agents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE team IS NOT NULL")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let grouped: usize = all_teams.iter().map(|t| t["ids"].as_array().unwrap().len()).sum();
    assert_eq!((all_teams.len(), grouped as i64), (2, agents), "{all_teams:?}");
    let ivan_team: String = sqlx::query_scalar("SELECT team FROM users WHERE id = $1")
        .bind(ivan_id)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(teams(ivan_cookie.clone()).await, vec![json!({"name": ivan_team, "ids": [ivan_id]})]);
    assert_eq!(
        listing.grant(&eva_cookie, ivan_id, json!({"user_ids": [], "queue_ids": [q2]})).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        listing.grant(&admin, ivan_id, json!({"user_ids": [], "queue_ids": [q2]})).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(listing.ids(&ivan_cookie, &week).await, vec![before_midnight]);
    let mut with_q2 = ivan_queues.clone();
    with_q2.push(q2);
    with_q2.sort_unstable();
    with_q2.dedup();
    assert_eq!(listing.choices(&ivan_cookie).await, (vec![ivan_id], with_q2));
    assert_eq!(
        listing.grant(&admin, ivan_id, json!({"user_ids": [eva_id], "queue_ids": []})).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(listing.ids(&ivan_cookie, &week).await, vec![outbound, after_midnight]);
    let mut eva_and_ivan = vec![eva_id, ivan_id];
    eva_and_ivan.sort_unstable();
    assert_eq!(listing.choices(&ivan_cookie).await, (eva_and_ivan, ivan_queues));
    // A filter never widens them: asking for Olga's finds nothing.
    assert_eq!(listing.ids(&ivan_cookie, &format!("{week}&users={olga_id}")).await, Vec::<i64>::new());
    let read = server
        .request("GET", &format!("/api/admin/users/{ivan_id}/listing-rights"), Some(&admin), None)
        .await;
    assert_eq!(read.json, json!({"user_ids": [eva_id], "queue_ids": []}));
    let unknown = listing.grant(&admin, ivan_id, json!({"user_ids": [], "queue_ids": [q1, 987_654]})).await;
    assert_eq!(
        (unknown.status, unknown.json["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("queue_ids"))
    );
    assert_eq!(listing.ids(&ivan_cookie, &week).await.len(), 2, "a refused grant changed nothing");
    assert_eq!(
        listing.grant(&admin, 987_654, json!({"user_ids": [], "queue_ids": []})).await.status,
        StatusCode::NOT_FOUND
    );

    // Bad queries are named; no session, no list.
    for (query, field) in [
        ("zone=UTC", "channel"),
        ("channel=email&zone=Mars/Base", "zone"),
        ("channel=email&users=1,x", "users"),
        ("channel=email&text=a", "text"),
        ("channel=email&time=custom&from=2030-01-20&to=2030-01-10", "to"),
    ] {
        let answer = server.request("GET", &format!("/api/interactions?{query}"), Some(&admin), None).await;
        assert_eq!(
            (answer.status, answer.json["field"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!(field)),
            "{query}"
        );
    }
    let answer = server.request("GET", "/api/interactions?channel=fax", Some(&admin), None).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = server.request("GET", "/api/interactions?channel=email", None, None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_list_comes_in_pages_and_its_count_is_the_whole() {
    let (server, _clock) = TestServer::new().await.with_scripted_clock(NOW);
    let listing = Listing { server };
    let server = &listing.server;
    let queue = server.queue_id(0).await;
    let agent = server.user_id("agent1").await;
    for n in 0..(hovor_types::listing::LISTING_PAGE as i64 + 5) {
        let at = NOW - (n + 1) * MINUTE;
        let subject = format!("Dotaz {n:03}");
        let stored = Stored {
            queue,
            channel: "chat",
            agent: Some(agent),
            at,
            subject: &subject,
            body: "Dobrý den",
            status: "ended",
            direction: "inbound",
            contact: None,
        };
        listing.store(stored).await;
    }
    let admin = server.sign_in("admin").await;
    let first = listing.list(&admin, "channel=chat&zone=UTC").await;
    assert_eq!((first["rows"].as_array().unwrap().len(), first["more"].clone()), (50, json!(true)));
    assert_eq!(first["rows"][0]["title"], json!("Dotaz 000"));
    let second = listing.list(&admin, "channel=chat&zone=UTC&page=1").await;
    assert_eq!((second["rows"].as_array().unwrap().len(), second["more"].clone()), (5, json!(false)));
    assert_eq!(second["rows"][4]["title"], json!("Dotaz 054"));
    let count =
        server.request("GET", "/api/interactions/count?channel=chat&zone=UTC", Some(&admin), None).await;
    assert_eq!(count.json["total"], json!(55));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_has_the_lists_rows_in_the_users_language_and_zone_and_runs_no_formula() {
    let (server, _clock) = TestServer::new().await.with_scripted_clock(NOW);
    let listing = Listing { server };
    let server = &listing.server;
    let queue = server.queue_id(0).await;
    let eva = server.user_id("agent1").await;
    let stored = |at, subject, body| Stored {
        queue,
        channel: "email",
        agent: Some(eva),
        at,
        subject,
        body,
        status: "ended",
        direction: "inbound",
        contact: None,
    };
    listing
        .store(stored(NOW - 20 * MINUTE, "=HYPERLINK(\"http://evil.example\",\"Klik\")", "@SUM(A1:A9)"))
        .await;
    listing.store(stored(NOW - 25 * MINUTE, "Faktura č. 12", "Dobrý den, \"faktura\", řádek 2")).await;
    let admin = server.sign_in("admin").await;
    let ivan = server.sign_in("agent3").await;
    let query = "channel=email&zone=Europe/Prague&sort=time&desc=true";

    // CSV, in Czech: a byte-order mark, the columns named as on screen, Prague's times.
    let (status, csv) = server
        .request_bytes("GET", &format!("/api/interactions/export?{query}&format=csv&lang=cs"), Some(&admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a byte-order mark");
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header[..5], ["Čas", "Fronta", "Uživatel", "Kontakt", "Název"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], "2030-01-16 00:10", "Prague's time, ten minutes after its midnight");
    assert_eq!(&rows[0][4], "'=HYPERLINK(\"http://evil.example\",\"Klik\")", "a formula is text");
    assert_eq!(&rows[0][6], "'@SUM(A1:A9)");
    assert_eq!(
        (&rows[1][4], &rows[1][5], &rows[1][6]),
        ("Faktura č. 12", "2", "Dobrý den, \"faktura\", řádek 2")
    );
    assert_eq!((&rows[1][7], &rows[1][8]), ("Ukončeno", "Příchozí"));

    // XLSX, in Bulgarian, read back as a spreadsheet program would: text cells, no formula.
    let (status, xlsx) = server
        .request_bytes("GET", &format!("/api/interactions/export?{query}&format=xlsx&lang=bg"), Some(&admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    assert_eq!(book.sheet_names(), vec!["Взаимодействия".to_owned()]);
    let sheet = book.worksheet_range("Взаимодействия").unwrap();
    assert_eq!(sheet.height(), 3);
    assert_eq!(sheet.get((0, 1)), Some(&Data::String("Опашка".into())));
    assert_eq!(
        sheet.get((1, 4)),
        Some(&Data::String("'=HYPERLINK(\"http://evil.example\",\"Klik\")".into()))
    );
    assert_eq!(sheet.get((2, 5)), Some(&Data::Float(2.0)), "attachments are a number");
    let formulas = book.worksheet_formula("Взаимодействия").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no cell is a formula");

    // Rights hold in the export too: an agent without any gets the header alone.
    let (status, csv) = server
        .request_bytes("GET", &format!("/api/interactions/export?{query}&format=csv"), Some(&ivan))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv::Reader::from_reader(&csv[3..]).records().count(), 0);

    let missing =
        server.request("GET", &format!("/api/interactions/export?{query}"), Some(&admin), None).await;
    assert_eq!(
        (missing.status, missing.json["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("format"))
    );
    let signed_out =
        server.request("GET", &format!("/api/interactions/export?{query}&format=csv"), None, None).await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_who_may_see_an_interaction_reviews_it_against_the_administrators_scorecard() {
    let (server, _clock) = TestServer::new().await.with_scripted_clock(NOW);
    let listing = Listing { server };
    let server = &listing.server;
    let queue = server.queue_id(0).await;
    let eva = server.user_id("agent1").await;
    let chat = listing
        .store(Stored {
            queue,
            channel: "chat",
            agent: Some(eva),
            at: NOW - 30 * MINUTE,
            subject: "",
            body: "Dobrý den",
            status: "ended",
            direction: "inbound",
            contact: None,
        })
        .await;
    let admin = server.sign_in("admin").await;
    let supervisor = server.sign_in("supervisor").await;
    let eva_cookie = server.sign_in("agent1").await;
    let ivan_cookie = server.sign_in("agent3").await;

    // The administrator's scorecard; a criterion worth nothing is refused beside it.
    let path = "/api/admin/qa/scorecards";
    let bad = json!({"name": "Chat", "criteria": [{"label": "Greeting", "max_points": 5}, {"label": "Solution", "max_points": 0}]});
    let refused = server.request("POST", path, Some(&admin), Some(bad)).await;
    assert_eq!(
        (refused.status, refused.json["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("criteria.1.max_points"))
    );
    let card = json!({"name": " Chat quality ", "criteria": [{"label": "Greeting", "max_points": 5}, {"label": "Solution", "max_points": 10}]});
    assert_eq!(
        server.request("POST", path, Some(&supervisor), Some(card.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    let created = server.request("POST", path, Some(&admin), Some(card)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let card_id = created.json["id"].as_i64().unwrap();
    let listed = server.request("GET", "/api/qa/scorecards", Some(&eva_cookie), None).await;
    assert!(
        listed.json.as_array().unwrap().iter().any(|c| c["id"] == card_id && c["name"] == "Chat quality")
    );

    // The supervisor may review only what they may see: granted the queue, they can.
    let reviews = format!("/api/interactions/{chat}/reviews");
    let review = json!({"scorecard_id": card_id, "scores": [4, 9], "comment": "Kind and quick."});
    assert_eq!(
        server.request("POST", &reviews, Some(&supervisor), Some(review.clone())).await.status,
        StatusCode::NOT_FOUND
    );
    let supervisor_id = server.user_id("supervisor").await;
    assert_eq!(
        listing.grant(&admin, supervisor_id, json!({"user_ids": [], "queue_ids": [queue]})).await.status,
        StatusCode::NO_CONTENT
    );
    let over = json!({"scorecard_id": card_id, "scores": [4, 11]});
    let refused = server.request("POST", &reviews, Some(&supervisor), Some(over)).await;
    assert_eq!(
        (refused.status, refused.json["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("scores.1"))
    );
    let unknown = json!({"scorecard_id": 987_654, "scores": [1, 1]});
    let refused = server.request("POST", &reviews, Some(&supervisor), Some(unknown)).await;
    assert_eq!(refused.json["field"], json!("scorecard_id"));
    assert_eq!(
        server.request("POST", &reviews, Some(&eva_cookie), Some(review.clone())).await.status,
        StatusCode::FORBIDDEN,
        "agents do not review"
    );
    let added = server.request("POST", &reviews, Some(&supervisor), Some(review)).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.json);
    assert_eq!((added.json["total"].clone(), added.json["max_total"].clone()), (json!(13), json!(15)));
    assert_eq!(added.json["scorecard"]["name"], json!("Chat quality"));

    // The agent who handled it reads it; an agent without rights gets nothing.
    let read = server.request("GET", &reviews, Some(&eva_cookie), None).await;
    assert_eq!((read.status, read.json[0]["comment"].clone()), (StatusCode::OK, json!("Kind and quick.")));
    assert_eq!(server.request("GET", &reviews, Some(&ivan_cookie), None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_detail_shows_the_activities_focus_and_the_path_also_through_a_deep_link_and_only_to_those_who_may_see_it()
 {
    let (server, _clock) = TestServer::new().await.with_scripted_clock(NOW);
    let listing = Listing { server };
    let server = &listing.server;
    let queue = server.queue_id(0).await;
    let eva = server.user_id("agent1").await;
    let chat = listing
        .store(Stored {
            queue,
            channel: "chat",
            agent: Some(eva),
            at: NOW - 30 * MINUTE,
            subject: "",
            body: "Dobrý den",
            status: "ended",
            direction: "inbound",
            contact: None,
        })
        .await;
    sqlx::query(
        "INSERT INTO queue_segments (conversation_id, queue_id, entered_at, answered_at, left_at, outcome, ronas)
         VALUES ($1, $2, $3, $4, $4, 'answered', 1)",
    )
    .bind(chat)
    .bind(queue)
    .bind(NOW - 30 * MINUTE)
    .bind(NOW - 29 * MINUTE)
    .execute(&server.pool)
    .await
    .unwrap();
    let activity: i64 = sqlx::query_scalar(
        "INSERT INTO activities (conversation_id, agent_id, queue_id, accepted_at, ended_at, wrapped_up_at,
                                 focused_ms, interruptions, focus_anomaly)
         VALUES ($1, $2, $3, $4, $5, $6, 420000, 2, 1) RETURNING id",
    )
    .bind(chat)
    .bind(eva)
    .bind(queue)
    .bind(NOW - 29 * MINUTE)
    .bind(NOW - 20 * MINUTE)
    .bind(NOW - 19 * MINUTE)
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let admin = server.sign_in("admin").await;
    let ivan = server.sign_in("agent3").await;

    let detail = server.request("GET", &format!("/api/interactions/{chat}"), Some(&admin), None).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.json);
    assert_eq!(detail.json["interaction"]["unique_name"], json!(format!("chat-{chat}")));
    let a = &detail.json["activities"][0];
    assert_eq!(a["unique_name"], json!(format!("activity-{activity}")));
    assert_eq!(
        (a["focus_ms"].clone(), a["interruptions"].clone(), a["time_anomaly"].clone()),
        (json!(420000), json!(2), json!(true))
    );
    let kinds: Vec<&str> =
        detail.json["path"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["queued", "answered", "ended", "wrapped_up"]);
    let answered = &detail.json["path"][1];
    assert_eq!((answered["ronas"].clone(), answered["at"].clone()), (json!(1), json!(NOW - 29 * MINUTE)));
    assert_eq!(answered["user"], a["user"]["name"]);

    // Deep links by the interaction's or the activity's unique name; a wrong channel or name finds nothing.
    for name in [format!("chat-{chat}"), format!("activity-{activity}")] {
        let found =
            server.request("GET", &format!("/api/interactions/named/{name}"), Some(&admin), None).await;
        assert_eq!(
            (found.status, found.json["interaction"]["id"].clone()),
            (StatusCode::OK, json!(chat)),
            "{name}"
        );
    }
    for name in [format!("email-{chat}"), "nonsense".to_owned(), "activity-0".to_owned()] {
        let found =
            server.request("GET", &format!("/api/interactions/named/{name}"), Some(&admin), None).await;
        assert_eq!(found.status, StatusCode::NOT_FOUND, "{name}");
    }
    // Without rights, neither the detail nor its deep link.
    assert_eq!(
        server.request("GET", &format!("/api/interactions/{chat}"), Some(&ivan), None).await.status,
        StatusCode::NOT_FOUND
    );
    let path = format!("/api/interactions/named/activity-{activity}");
    assert_eq!(server.request("GET", &path, Some(&ivan), None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_path_times_each_offer_with_the_decline_before_the_next_agents_answer() {
    let server = TestServer::new().await;
    let queue = server.queue_id(0).await;
    let agent1 = server.sign_in("agent1").await;
    let agent4 = server.sign_in("agent4").await;
    let since = server.go_available(&agent1).await;
    crate::common::clock_past(since).await;
    server.go_available(&agent4).await;
    let chat = server.start_chat(queue, "Jana Nováková").await.conversation_id;
    assert_eq!(server.offered(&agent1).await, vec![chat]);
    let declined = server.request("POST", &format!("/api/offers/{chat}/decline"), Some(&agent1), None).await;
    assert_eq!(declined.status, StatusCode::NO_CONTENT);
    assert_eq!(server.offered(&agent4).await, vec![chat]);
    let accepted = server
        .request("POST", "/api/offers/accept", Some(&agent4), Some(json!({"conversation_ids": [chat]})))
        .await;
    assert_eq!(accepted.json["accepted"], json!([chat]));

    let admin = server.sign_in("admin").await;
    let detail = server.request("GET", &format!("/api/interactions/{chat}"), Some(&admin), None).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.json);
    let (first, second) = (server.display_name("agent1").await, server.display_name("agent4").await);
    let path = detail.json["path"].as_array().unwrap();
    let steps: Vec<(&str, Option<&str>)> =
        path.iter().map(|s| (s["kind"].as_str().unwrap(), s["user"].as_str())).collect();
    assert_eq!(
        steps,
        [
            ("queued", None),
            ("offered", Some(first.as_str())),
            ("declined", Some(first.as_str())),
            ("offered", Some(second.as_str())),
            ("answered", Some(second.as_str())),
        ]
    );
    let times: Vec<i64> = path.iter().map(|s| s["at"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order: {times:?}");
}

#[tokio::test]
async fn from_the_detail_a_user_who_may_see_it_pairs_a_contact_and_puts_it_into_a_case_audited() {
    let (server, _clock) = TestServer::new().await.with_scripted_clock(NOW);
    let listing = Listing { server };
    let server = &listing.server;
    let queue = server.queue_id(0).await;
    let eva = server.user_id("agent1").await;
    let stored = |body| Stored {
        queue,
        channel: "email",
        agent: Some(eva),
        at: NOW - 30 * MINUTE,
        subject: "Reklamace",
        body,
        status: "ended",
        direction: "inbound",
        contact: None,
    };
    let email = listing.store(stored("Dobrý den")).await;
    let agent = server.sign_in("agent1").await;
    let stranger = server.sign_in("agent3").await;
    let contact: i64 =
        sqlx::query_scalar("SELECT id FROM contacts WHERE account_id IS NOT NULL ORDER BY id LIMIT 1")
            .fetch_one(&server.pool)
            .await
            .unwrap();
    let case: i64 =
        sqlx::query_scalar("SELECT id FROM cases ORDER BY id LIMIT 1").fetch_one(&server.pool).await.unwrap();
    let pair = |cookie: String, id: i64, body: Value| async move {
        server.request("PUT", &format!("/api/interactions/{id}/contact"), Some(&cookie), Some(body)).await
    };

    // Someone who may not see it cannot touch it; an unknown contact is named.
    let refused = pair(stranger.clone(), email, json!({"contact_id": contact})).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let unknown = pair(agent.clone(), email, json!({"contact_id": 999_999})).await;
    assert_eq!(
        (unknown.status, unknown.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("contact_id"))
    );

    let paired = pair(agent.clone(), email, json!({"contact_id": contact})).await;
    assert_eq!(paired.status, StatusCode::OK, "{}", paired.json);
    assert_eq!(paired.json["contact"]["id"], contact);
    let messages: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND contact_id = $2")
            .bind(email)
            .bind(contact)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!(messages, 1, "its messages follow, so the contact's timeline has them");

    let path = format!("/api/interactions/{email}/case");
    let merged = server.request("PUT", &path, Some(&agent), Some(json!({"case_id": case}))).await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.json);
    assert_eq!(merged.json["case"]["id"], case);
    assert!(merged.json["case"]["name"].as_str().is_some_and(|n| n.contains(" · ")), "{}", merged.json);
    let detail = server.request("GET", &format!("/api/interactions/{email}"), Some(&agent), None).await;
    assert_eq!(
        (
            detail.json["interaction"]["case"]["id"].as_i64(),
            detail.json["interaction"]["contact"]["id"].as_i64()
        ),
        (Some(case), Some(contact))
    );
    // The contact's account comes with it.
    let account: Option<i64> = sqlx::query_scalar("SELECT account_id FROM contacts WHERE id = $1")
        .bind(contact)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert!(account.is_some());
    assert_eq!(detail.json["interaction"]["account"]["id"].as_i64(), account, "{}", detail.json);
    // The case opened from the detail: the case and its interactions the user may see, none else.
    let opened = server.request("GET", &path, Some(&agent), None).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.json);
    assert_eq!(opened.json["case"]["id"], case);
    let ids = |answer: &Value| -> Vec<i64> {
        answer["interactions"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
    };
    assert!(ids(&opened.json).contains(&email));
    for id in ids(&opened.json) {
        let one = server.request("GET", &format!("/api/interactions/{id}"), Some(&agent), None).await;
        assert_eq!(one.status, StatusCode::OK, "only interactions the agent may see");
    }
    let everyone = server.request("GET", &path, Some(&server.sign_in("admin").await), None).await;
    assert!(ids(&everyone.json).len() >= ids(&opened.json).len());
    assert_eq!(server.request("GET", &path, Some(&stranger), None).await.status, StatusCode::NOT_FOUND);
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT field FROM audit_log WHERE record = 'conversation' AND record_id = $1 ORDER BY id",
    )
    .bind(email)
    .fetch_all(&server.pool)
    .await
    .unwrap();
    assert_eq!(audited, vec!["contact", "case"]);
    let unknown_case = server.request("PUT", &path, Some(&agent), Some(json!({"case_id": 999_999}))).await;
    assert_eq!(unknown_case.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A tombstone has nothing to pair.
    let admin = server.sign_in("admin").await;
    let other = listing.store(stored("Jiný")).await;
    let anonymised =
        server.request("POST", &format!("/api/interactions/{other}/anonymise"), Some(&admin), None).await;
    assert_eq!(anonymised.status, StatusCode::OK, "{}", anonymised.json);
    let refused = pair(admin.clone(), other, json!({"contact_id": contact})).await;
    assert_eq!((refused.status, refused.json["reason"].as_str()), (StatusCode::CONFLICT, Some("anonymised")));
    // An interaction in no case has no case to open.
    let no_case = server.request("GET", &format!("/api/interactions/{other}/case"), Some(&admin), None).await;
    assert_eq!(no_case.status, StatusCode::NOT_FOUND);
}

/// A query parameter's value, percent-encoded.
fn encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_advanced_filter_tests_any_column_as_the_row_shows_it_in_the_list_its_count_and_export() {
    let (server, _clock) = TestServer::new().await.with_scripted_clock(NOW);
    let listing = Listing { server };
    let server = &listing.server;
    let (q1, q2) = (server.queue_id(0).await, server.queue_id(1).await);
    let (eva_id, olga_id) = (server.user_id("agent1").await, server.user_id("agent2").await);
    let contact: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (first_name, last_name, language) VALUES ('Jana', 'Nováková', 'cs') RETURNING id",
    )
    .fetch_one(&server.pool)
    .await
    .unwrap();
    let stored = |queue, agent, subject, body, direction| Stored {
        queue,
        channel: "email",
        agent: Some(agent),
        at: NOW - 20 * MINUTE,
        subject,
        body,
        status: "ended",
        direction,
        contact: None,
    };
    let invoice = listing.store(stored(q1, eva_id, "Faktura 12", "Dobrý den, faktura", "inbound")).await;
    let offer = listing
        .store(Stored {
            contact: Some(contact),
            status: "active",
            ..stored(q1, eva_id, "Nabídka", "Posíláme", "outbound")
        })
        .await;
    let address = listing.store(stored(q2, olga_id, "Adresa", "Změna adresy", "inbound")).await;
    let rated =
        listing.store(Stored { channel: "chat", ..stored(q1, eva_id, "", "Chat one", "inbound") }).await;
    let unrated =
        listing.store(Stored { channel: "chat", ..stored(q2, olga_id, "", "Chat two", "inbound") }).await;
    sqlx::query("UPDATE conversations SET rating = 4 WHERE id = $1")
        .bind(rated)
        .execute(&server.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO feedback_answers (conversation_id, question, kind, comment) VALUES ($1, 'Jak?', 'comment', 'Rychlé a milé')",
    )
    .bind(rated)
    .execute(&server.pool)
    .await
    .unwrap();
    let admin = server.sign_in("admin").await;
    let olga_name = server.display_name("agent2").await;
    let q2_name: String = sqlx::query_scalar("SELECT name FROM queues WHERE id = $1")
        .bind(q2)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let query = |channel: &str, conditions: Value| {
        format!(
            "channel={channel}&zone=Europe/Prague&sort=time&desc=false&advanced={}",
            encoded(&conditions.to_string())
        )
    };
    let c = |column: &str, op: &str, value: &str| json!({"column": column, "op": op, "value": value});
    let emails = [
        (vec![c("title", "contains", "FAKTURA")], vec![invoice]),
        (vec![c("title", "not_contains", "faktura")], vec![offer, address]),
        (vec![c("text", "contains", "změna")], vec![address]),
        (vec![c("contact", "empty", "")], vec![invoice, address]),
        (vec![c("contact", "contains", "nováková")], vec![offer]),
        (vec![c("email_state", "is", "failed")], vec![offer]),
        (vec![c("email_state", "empty", "")], vec![invoice, address]),
        (vec![c("attachments", "is", "2")], vec![invoice, offer, address]),
        (vec![c("attachments", "below", "2")], vec![]),
        (vec![c("status", "is_not", "ended")], vec![offer]),
        (vec![c("direction", "is", "inbound"), c("user", "is", &olga_name)], vec![address]),
        (vec![c("queue", "is", &q2_name.to_uppercase())], vec![address]),
        (vec![c("user", "is_not", &olga_name), c("direction", "is", "inbound")], vec![invoice]),
    ];
    for (conditions, expected) in emails {
        let q = query("email", json!(conditions));
        assert_eq!(listing.ids(&admin, &q).await, expected, "{conditions:?}");
    }
    let chats = [
        (vec![c("rating", "above", "3")], vec![rated]),
        (vec![c("rating", "empty", "")], vec![unrated]),
        (vec![c("rating", "below", "5")], vec![rated]),
        (vec![c("rating", "is", "4")], vec![rated]),
        (vec![c("rating", "is_not", "4")], vec![unrated]),
        (vec![c("comment", "contains", "milé")], vec![rated]),
        (vec![c("comment", "not_empty", "")], vec![rated]),
    ];
    for (conditions, expected) in chats {
        let q = query("chat", json!(conditions));
        assert_eq!(listing.ids(&admin, &q).await, expected, "{conditions:?}");
    }

    // Sorted and exported as listed.
    let q = query("email", json!([c("direction", "is", "inbound")])).replace("sort=time", "sort=title");
    assert_eq!(listing.ids(&admin, &q).await, vec![address, invoice]);
    let (status, csv) = server
        .request_bytes("GET", &format!("/api/interactions/export?{q}&format=csv&lang=en"), Some(&admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8_lossy(&csv);
    assert!(text.contains("Faktura 12") && text.contains("Adresa") && !text.contains("Nabídka"), "{text}");

    // A fault is named by its condition's place.
    for (conditions, field) in [
        (json!([c("title", "is", "x"), c("attachments", "contains", "1")]), "advanced[1].op"),
        (json!([c("rating", "above", "many")]), "advanced[0].value"),
        (json!([c("status", "is", "closed")]), "advanced[0].value"),
        (json!({"column": "title"}), "advanced"),
    ] {
        let answer = server
            .request("GET", &format!("/api/interactions?{}", query("email", conditions)), Some(&admin), None)
            .await;
        assert_eq!(
            (answer.status, answer.json["field"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!(field))
        );
    }
    // It never widens the rights: Ivan, granted nothing, finds nothing by it.
    let ivan = server.sign_in("agent3").await;
    assert_eq!(
        listing.ids(&ivan, &query("email", json!([c("title", "not_contains", "zzz")]))).await,
        Vec::<i64>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivated_users_and_queues_keep_their_interactions_listed_apart_and_queues_gather_in_groups() {
    let (server, _clock) = TestServer::new().await.with_scripted_clock(NOW);
    let listing = Listing { server };
    let server = &listing.server;
    let (q1, q2) = (server.queue_id(0).await, server.queue_id(1).await);
    let olga_id = server.user_id("agent2").await;
    let handled = listing
        .store(Stored {
            queue: q2,
            channel: "email",
            agent: Some(olga_id),
            at: NOW - 20 * MINUTE,
            subject: "Adresa",
            body: "Změna adresy",
            status: "ended",
            direction: "inbound",
            contact: None,
        })
        .await;
    let admin = server.sign_in("admin").await;
    let olga = server.sign_in("agent2").await;
    let eva = server.sign_in("agent1").await;
    let active = |path: String, cookie: String, on: bool| async move {
        server.request("PUT", &path, Some(&cookie), Some(json!({"active": on}))).await.status
    };
    let user_path = |id: i64| format!("/api/admin/users/{id}/active");
    let queue_path = |id: i64| format!("/api/admin/queues/{id}/active");
    let choices = || async {
        let answer = server.request("GET", "/api/interactions/choices", Some(&admin), None).await;
        assert_eq!(answer.status, StatusCode::OK);
        answer.json
    };
    assert_eq!(choices().await["inactive_users"], json!([]));

    // Only an administrator deactivates, never themselves; nobody unknown.
    assert_eq!(active(user_path(olga_id), eva.clone(), false).await, StatusCode::FORBIDDEN);
    let admin_id = server.user_id("admin").await;
    assert_eq!(active(user_path(admin_id), admin.clone(), false).await, StatusCode::FORBIDDEN);
    assert_eq!(active(user_path(987_654), admin.clone(), false).await, StatusCode::NOT_FOUND);

    // Olga deactivated: her session ends, she cannot sign in, her interactions stay listed.
    assert_eq!(active(user_path(olga_id), admin.clone(), false).await, StatusCode::NO_CONTENT);
    let refused = server.request("GET", "/api/interactions/choices", Some(&olga), None).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let sign_in = json!({"username": "agent2", "password": hovor_server::demo::PASSWORD});
    let again = server.request("POST", "/api/session", None, Some(sign_in.clone())).await;
    assert_eq!(
        (again.status, again.json["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("invalid_credentials"))
    );
    let state: String = sqlx::query_scalar("SELECT idle_reason FROM agent_states WHERE user_id = $1")
        .bind(olga_id)
        .fetch_one(&server.pool)
        .await
        .unwrap();
    assert_eq!(state, "signed_out");
    let all = choices().await;
    assert_eq!(all["inactive_users"], json!([olga_id]));
    assert!(
        all["users"].as_array().unwrap().iter().any(|u| u["id"] == json!(olga_id)),
        "still offered, apart"
    );
    let week = "channel=email&zone=Europe/Prague&time=this_week";
    assert_eq!(listing.ids(&admin, &format!("{week}&users={olga_id}")).await, vec![handled]);
    // Active again: she signs in.
    assert_eq!(active(user_path(olga_id), admin.clone(), true).await, StatusCode::NO_CONTENT);
    assert_eq!(server.request("POST", "/api/session", None, Some(sign_in)).await.status, StatusCode::OK);
    assert_eq!(choices().await["inactive_users"], json!([]));

    // A deactivated queue takes no new chat; what it handled stays listed.
    assert_eq!(active(queue_path(q2), admin.clone(), false).await, StatusCode::NO_CONTENT);
    let setup = format!("/api/chat/queues/{q2}");
    assert_eq!(server.request("GET", &setup, None, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.start_chat_with(q2, json!({"name": "Jana"})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(choices().await["inactive_queues"], json!([q2]));
    assert_eq!(listing.ids(&admin, &format!("{week}&queues={q2}")).await, vec![handled]);
    assert_eq!(active(queue_path(q2), admin.clone(), true).await, StatusCode::NO_CONTENT);
    assert_eq!(server.request("GET", &setup, None, None).await.status, StatusCode::OK);
    assert_eq!(active(queue_path(987_654), admin.clone(), false).await, StatusCode::NOT_FOUND);

    // Groups of queues: set by an administrator, offered with their queues.
    let group = |id: i64, cookie: String, body: Value| async move {
        server.request("PUT", &format!("/api/admin/queues/{id}/group"), Some(&cookie), Some(body)).await
    };
    assert_eq!(group(q1, eva.clone(), json!({"group": "Care"})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(group(q1, admin.clone(), json!({"group": " Care "})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(group(q2, admin.clone(), json!({"group": "Care"})).await.status, StatusCode::NO_CONTENT);
    let long = group(q2, admin.clone(), json!({"group": "x".repeat(61)})).await;
    assert_eq!((long.status, long.json["field"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("group")));
    let groups = choices().await["queue_groups"].clone();
    let mut ids: Vec<i64> =
        groups[0]["ids"].as_array().unwrap().iter().map(|id| id.as_i64().unwrap()).collect();
    ids.sort_unstable();
    let mut both = vec![q1, q2];
    both.sort_unstable();
    assert_eq!((groups.as_array().unwrap().len(), groups[0]["name"].clone(), ids), (1, json!("Care"), both));
    assert_eq!(group(q2, admin.clone(), json!({"group": null})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(choices().await["queue_groups"], json!([{"name": "Care", "ids": [q1]}]));
}
