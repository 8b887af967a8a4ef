//! Auto-suggested responses: the conversation's categories, ranked by the latest customer message.

use crate::common;

use axum::http::StatusCode;
use common::TestServer;

/// A conversation in agent1's first queue with its own categories, responses and messages; the demo's
/// library in its language is taken away, so the ranking is measured on these responses alone.
async fn fixture(
    server: &TestServer,
    language: &str,
    responses: &[(&str, &str, &str)],
    inbound: &[&str],
) -> i64 {
    let pool = &server.pool;
    sqlx::query(
        "DELETE FROM responses WHERE language = $1
         AND category_id NOT IN (SELECT id FROM response_categories WHERE key LIKE 'test-%')",
    )
    .bind(language)
    .execute(pool)
    .await
    .unwrap();
    let agent = server.user_id("agent1").await;
    let queue: i64 =
        sqlx::query_scalar("SELECT queue_id FROM queue_members WHERE user_id = $1 ORDER BY queue_id LIMIT 1")
            .bind(agent)
            .fetch_one(pool)
            .await
            .unwrap();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, agent_id, status, language, queued_at, started_at)
         VALUES ($1, 'chat', $2, 'active', $3, 0, 1000) RETURNING id",
    )
    .bind(queue)
    .bind(agent)
    .bind(language)
    .fetch_one(pool)
    .await
    .unwrap();
    for (n, (category, title, body)) in responses.iter().enumerate() {
        let category_id: i64 = sqlx::query_scalar(
            "INSERT INTO response_categories (key, name) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET name = excluded.name RETURNING id",
        )
        .bind(format!("test-{category}"))
        .bind(*category)
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO conversation_categories (conversation_id, category_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(category_id)
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO responses (category_id, language, title, body, shortcut) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(category_id)
        .bind(language)
        .bind(*title)
        .bind(*body)
        .bind(format!("t{id}-{n}"))
        .execute(pool)
        .await
        .unwrap();
    }
    for (n, body) in inbound.iter().enumerate() {
        sqlx::query("INSERT INTO messages (conversation_id, direction, author, body, at) VALUES ($1, 'inbound', 'Zákazník', $2, $3)")
            .bind(id)
            .bind(*body)
            .bind(2000 + n as i64)
            .execute(pool)
            .await
            .unwrap();
    }
    id
}

async fn titles(server: &TestServer, id: i64) -> Vec<String> {
    let cookie = server.sign_in("agent1").await;
    let answer =
        server.request("GET", &format!("/api/conversations/{id}/suggestions"), Some(&cookie), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    answer.json.as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_owned()).collect()
}

const CZECH: [(&str, &str, &str); 4] = [
    ("Pozdravy", "Pozdrav", "Dobrý den, děkujeme, že jste nás kontaktovali. Jak vám mohu pomoci?"),
    (
        "Platby",
        "Dvojitá platba",
        "Omlouváme se, platba byla stržena dvakrát. Peníze vám vrátíme na účet do pěti dnů.",
    ),
    ("Doručení", "Zpožděná zásilka", "Vaše zásilka má zpoždění, dopravce ji doručí zítra."),
    ("Platby", "Kopie faktury", "Kopii faktury najdete v zákaznickém účtu v sekci Faktury."),
];

#[tokio::test]
async fn suggestions_rank_the_matching_response_first_on_a_known_case() {
    let server = TestServer::new().await;
    let id =
        fixture(&server, "cs", &CZECH, &["Dobrý den", "Zásilka stále nedorazila, kdy ji dopravce doručí?"])
            .await;
    let ranked = titles(&server, id).await;
    assert_eq!(ranked.len(), 4, "every response of the conversation's categories");
    assert_eq!(ranked[0], "Zpožděná zásilka", "the latest message decides: {ranked:?}");

    // Only the conversation's categories and language are offered.
    let other = fixture(&server, "en", &[("Greetings", "Hello", "Hello, how can I help?")], &["hello"]).await;
    assert_eq!(titles(&server, other).await, vec!["Hello"]);
}

#[tokio::test]
async fn czech_matches_with_and_without_diacritics() {
    let server = TestServer::new().await;
    let with = fixture(&server, "cs", &CZECH, &["Platba mi byla stržena dvakrát, chci vrátit peníze."]).await;
    let without =
        fixture(&server, "cs", &CZECH, &["platba mi byla strzena dvakrat, chci vratit penize"]).await;
    assert_eq!(titles(&server, with).await[0], "Dvojitá platba");
    assert_eq!(titles(&server, without).await[0], "Dvojitá platba");
}

#[tokio::test]
async fn bulgarian_and_ukrainian_match_with_and_without_diacritics() {
    let server = TestServer::new().await;
    let bulgarian = [
        ("Поздрави", "Поздрав", "Здравейте, с какво можем да помогнем?"),
        (
            "Плащания",
            "Двойно плащане",
            "Съжаляваме, плащането е удържано два пъти. Ще възстановим сумата до пет дни.",
        ),
        ("Доставка", "Забавена пратка", "Пратката ви е забавена, куриерът ще я достави утре."),
    ];
    let bg = fixture(&server, "bg", &bulgarian, &["Кога куриерът ще достави пратката?"]).await;
    assert_eq!(titles(&server, bg).await[0], "Забавена пратка");

    // Ukrainian й and ї written without their marks (и, і), as on a keyboard without them.
    let ukrainian = [
        ("Вітання", "Привітання", "Добрий день! Чим можемо допомогти?"),
        (
            "Рахунки",
            "Подвійне списання",
            "Перепрошуємо, кошти списано двічі. Повернемо їх протягом пʼяти днів.",
        ),
        ("Доставка", "Затримка посилки", "Ваша посилка затримується, курʼєр доставить її завтра."),
    ];
    let with = fixture(&server, "uk", &ukrainian, &["Мої кошти списано двічі, поверніть їх"]).await;
    let without = fixture(&server, "uk", &ukrainian, &["Мoі кошти списано двічі, повернiть іх"]).await;
    assert_eq!(titles(&server, with).await[0], "Подвійне списання");
    assert_eq!(titles(&server, without).await[0], "Подвійне списання");
}

/// Takes a category out of the conversation's: as if its queue rarely got that topic.
async fn leave_out(server: &TestServer, conversation: i64, category: &str) {
    sqlx::query(
        "DELETE FROM conversation_categories WHERE conversation_id = $1
           AND category_id = (SELECT id FROM response_categories WHERE key = $2)",
    )
    .bind(conversation)
    .bind(format!("test-{category}"))
    .execute(&server.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_clearly_better_response_of_another_category_is_suggested_and_marked() {
    let server = TestServer::new().await;
    let message = "Zásilka stále nedorazila, kdy ji dopravce doručí?";
    let id = fixture(&server, "cs", &CZECH, &[message]).await;
    // The queue's categories leave delivery out.
    leave_out(&server, id, "Doručení").await;
    let cookie = server.sign_in("agent1").await;
    let answer =
        server.request("GET", &format!("/api/conversations/{id}/suggestions"), Some(&cookie), None).await;
    let list = answer.json.as_array().unwrap();
    assert_eq!(list[0]["title"], "Zpožděná zásilka", "{list:?}");
    assert_eq!(list[0]["other_category"], true);
    for r in list {
        let own = ["Pozdravy", "Platby"].contains(&r["category"].as_str().unwrap());
        assert_eq!(r["other_category"], !own, "marked exactly when from outside the conversation's: {r}");
    }

    // Nothing clearly better outside: only the conversation's categories.
    let greeting = fixture(&server, "cs", &CZECH, &["Dobrý den"]).await;
    leave_out(&server, greeting, "Doručení").await;
    assert!(!titles(&server, greeting).await.contains(&"Zpožděná zásilka".to_owned()));
}

#[tokio::test]
async fn a_message_phrased_as_customers_ask_finds_the_response_with_no_word_of_its_text() {
    let server = TestServer::new().await;
    let message = "Rozmyslela jsem si to, chci to poslat zpátky.";
    let id = fixture(&server, "cs", &CZECH, &[message]).await;
    assert!(titles(&server, id).await[0] != "Vrácení zboží", "not in the library yet");
    let category: i64 = sqlx::query_scalar("SELECT id FROM response_categories WHERE key = 'test-Platby'")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let admin = server.sign_in("admin").await;
    let mut fields = serde_json::json!({
        "category_id": category, "language": "cs", "title": "Vrácení zboží",
        "body": "Zboží lze vrátit do 14 dnů od převzetí bez udání důvodu.",
        "phrases": ["x".repeat(hovor_types::response::PHRASE_MAX + 1)],
    });
    let long = server.request("POST", "/api/admin/responses", Some(&admin), Some(fields.clone())).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(long.json["field"], "phrases");
    fields["phrases"] =
        serde_json::json!([" rozmyslel jsem si to ", "pošlu to zpátky\nchci vrátit peníze", ""]);
    let created = server.request("POST", "/api/admin/responses", Some(&admin), Some(fields)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    assert_eq!(
        created.json["phrases"],
        serde_json::json!(["rozmyslel jsem si to", "pošlu to zpátky", "chci vrátit peníze"]),
        "trimmed, one per line, no blanks"
    );
    assert_eq!(titles(&server, id).await[0], "Vrácení zboží", "found by how customers ask");
}

#[tokio::test]
async fn bulgarian_and_ukrainian_typed_in_latin_letters_find_cyrillic_responses() {
    let server = TestServer::new().await;
    let bulgarian = [
        ("Поздрави", "Поздрав", "Здравейте, с какво можем да помогнем?"),
        ("Плащания", "Двойно плащане", "Съжаляваме, плащането е удържано два пъти. Ще възстановим сумата."),
        ("Доставка", "Забавена пратка", "Пратката ви е забавена, куриерът ще я достави утре."),
    ];
    let id = fixture(&server, "bg", &bulgarian, &["zdraveite, plashtaneto mi e udarzhano dva pati"]).await;
    assert_eq!(titles(&server, id).await[0], "Двойно плащане");
    let ukrainian = [
        ("Вітання", "Привітання", "Добрий день, чим можу допомогти?"),
        ("Доставка", "Затримка доставки", "Ваше замовлення затримується, кур'єр доставить його завтра."),
        ("Оплата", "Повернення коштів", "Кошти повернуться на вашу картку протягом п'яти днів."),
    ];
    let id = fixture(&server, "uk", &ukrainian, &["dobryi den, koly kurier dostavyt zamovlennia?"]).await;
    assert_eq!(titles(&server, id).await[0], "Затримка доставки");
}

/// Find and `#` in a conversation: the titles found for `q`.
async fn found(server: &TestServer, id: i64, q: &str) -> Vec<String> {
    let cookie = server.sign_in("agent1").await;
    let answer =
        server.request("GET", &format!("/api/responses?conversation={id}&q={q}"), Some(&cookie), None).await;
    assert_eq!(answer.status, StatusCode::OK);
    answer.json.as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_language_the_customer_writes_in_decides_suggestions_and_find() {
    let server = TestServer::new().await;
    fixture(&server, "cs", &CZECH, &[]).await;
    let english = [
        ("Doručení", "Delayed parcel", "Your parcel is delayed; the carrier will deliver it tomorrow."),
        ("Platby", "Invoice copy", "You will find a copy of the invoice in your customer account."),
    ];
    let czech_titles: Vec<&str> = CZECH.iter().map(|r| r.1).collect();

    // A chat opened from an English browser, written in Czech.
    let chat = fixture(
        &server,
        "en",
        &english,
        &["Dobrý den, zásilka mi pořád nedorazila, kdy ji dopravce doručí?"],
    )
    .await;
    let ranked = titles(&server, chat).await;
    assert_eq!(ranked[0], "Zpožděná zásilka", "{ranked:?}");
    assert!(ranked.iter().all(|t| czech_titles.contains(&t.as_str())), "only Czech: {ranked:?}");
    let listed = found(&server, chat, "kopie%20faktury").await;
    assert_eq!(listed[0], "Kopie faktury", "{listed:?}");
    assert!(!listed.contains(&"Invoice copy".to_owned()), "Find searches the Czech responses: {listed:?}");

    // An email: the subject counts with the body.
    let email = fixture(&server, "en", &english, &["Prosím o kopii, děkuji."]).await;
    sqlx::query("UPDATE conversations SET channel = 'email', subject = $2 WHERE id = $1")
        .bind(email)
        .bind("Kopie faktury za minulý měsíc, nemohu ji najít v účtu")
        .execute(&server.pool)
        .await
        .unwrap();
    assert_eq!(titles(&server, email).await[0], "Kopie faktury");

    // Too short to tell: the conversation's language stays.
    let short = fixture(&server, "en", &english, &["ok"]).await;
    let ranked = titles(&server, short).await;
    assert!(ranked.iter().all(|t| !czech_titles.contains(&t.as_str())), "English: {ranked:?}");
}

#[tokio::test]
async fn a_near_repeat_of_a_message_agents_answered_gets_the_response_they_chose() {
    let server = TestServer::new().await;
    let library = [
        ("Delivery", "Delayed parcel", "Your parcel is delayed; the carrier will deliver it tomorrow."),
        ("Delivery", "Tracking link", "You can follow your order with the tracking link in your email."),
        ("Greetings", "Welcome", "Hello, thank you for contacting us. How can I help?"),
    ];
    // The customer's own words share nothing with "Delayed parcel".
    let asked = "hey, my stuff still hasn't shown up, what's going on with order 4411";
    let first = fixture(&server, "en", &library, &[asked]).await;
    assert_ne!(titles(&server, first).await[0], "Delayed parcel", "the library alone does not find it");

    let chosen: i64 = sqlx::query_scalar("SELECT id FROM responses WHERE title = 'Delayed parcel' LIMIT 1")
        .fetch_one(&server.pool)
        .await
        .unwrap();
    let cookie = server.sign_in("agent1").await;
    let send = serde_json::json!({
        "body": "Your parcel is delayed; the carrier will deliver it tomorrow.",
        "used_response": {"response_id": chosen, "edited": false},
    });
    for _ in 0..2 {
        // Sent twice under one key: a retry, recorded once.
        let answer = server
            .request_with(
                "POST",
                &format!("/api/conversations/{first}/messages"),
                Some(&cookie),
                Some(send.clone()),
                &[("idempotency-key", "near-repeat-1")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    }
    let (uses, edited): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COALESCE(MAX(edited), 0) FROM response_uses WHERE response_id = $1")
            .bind(chosen)
            .fetch_one(&server.pool)
            .await
            .unwrap();
    assert_eq!((uses, edited), (1, 0));

    // Another customer asks nearly the same: the agents' choice comes first (once the uses are read
    // again, within seconds).
    let again = fixture(
        &server,
        "en",
        &library,
        &["hey my stuff still hasnt shown up, whats going on with order 5123?"],
    )
    .await;
    let mut ranked = Vec::new();
    for _ in 0..100 {
        ranked = titles(&server, again).await;
        if ranked[0] == "Delayed parcel" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(ranked[0], "Delayed parcel", "{ranked:?}");
    // A different question is left as the library ranks it.
    let other = fixture(&server, "en", &library, &["hello there, how do I follow my order?"]).await;
    assert_eq!(titles(&server, other).await[0], "Tracking link");
}
