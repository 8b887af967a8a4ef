//! Every WBX call rule as a case: the state machine, and who hears whom after each step.

use super::*;
use crate::error::Rule;

const CUSTOMER: LegId = 0;
const AGENT: LegId = 1;

fn leg(id: LegId) -> Source {
    Source::Leg { leg: id }
}

fn me(id: LegId) -> Actor {
    Actor::Leg(id)
}

/// A customer connected to agent 10 (leg 1), recorded.
fn connected() -> Call {
    let mut call = Call::inbound("+420 601 234 567", true);
    call.apply(Actor::Server, Action::Offer { user_id: 10 }).unwrap();
    call.apply(me(AGENT), Action::Answer { leg: AGENT }).unwrap();
    call
}

/// `connected()` with agent 20 (leg 2) consulted and answered.
fn consulting() -> Call {
    let mut call = connected();
    call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 20 } }).unwrap();
    call.apply(me(2), Action::Answer { leg: 2 }).unwrap();
    call
}

/// Customer, agent 10 (primary), agent 20 and agent 30 in a conference.
fn conference_of_four() -> Call {
    let mut call = consulting();
    call.apply(me(AGENT), Action::Conference).unwrap();
    call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 30 } }).unwrap();
    call.apply(me(3), Action::Answer { leg: 3 }).unwrap();
    call.apply(me(AGENT), Action::Conference).unwrap();
    call
}

#[test]
fn an_inbound_call_waits_with_music_and_connects_on_answer() {
    let mut call = Call::inbound("+420 601 234 567", true);
    assert_eq!(call.mode, Mode::Waiting);
    assert_eq!(call.hears(CUSTOMER), vec![Source::QueueMusic]);
    assert_eq!(call.recorded(), vec![], "nothing is recorded before an agent answers");
    call.apply(Actor::Server, Action::Offer { user_id: 10 }).unwrap();
    assert_eq!(call.leg(AGENT).unwrap().state, LegState::Ringing);
    assert_eq!(call.hears(CUSTOMER), vec![Source::QueueMusic], "still waiting while the desk rings");
    assert_eq!(call.apply(Actor::Server, Action::Offer { user_id: 11 }), Err(CallRefusal::WrongState));
    call.apply(me(AGENT), Action::Answer { leg: AGENT }).unwrap();
    assert_eq!(call.mode, Mode::Connected);
    assert_eq!(call.recording, Recording::On);
    assert_eq!(call.hears(CUSTOMER), vec![leg(AGENT)]);
    assert_eq!(call.hears(AGENT), vec![leg(CUSTOMER)]);
    assert_eq!(call.recorded(), vec![leg(CUSTOMER), leg(AGENT)]);
}

#[test]
fn an_unanswered_offer_puts_the_call_back_in_the_queue() {
    let mut call = Call::inbound("+420 601 234 567", false);
    call.apply(Actor::Server, Action::Offer { user_id: 10 }).unwrap();
    call.apply(Actor::Server, Action::Leave { leg: AGENT }).unwrap();
    assert_eq!(call.mode, Mode::Waiting, "RONA: the customer keeps waiting");
    assert_eq!(call.hears(CUSTOMER), vec![Source::QueueMusic]);
    assert!(call.primary().is_none());
    call.apply(Actor::Server, Action::Offer { user_id: 11 }).unwrap();
    assert_eq!(call.primary().unwrap().user_id, Some(11));
}

#[test]
fn only_the_ringing_party_or_the_server_answers() {
    let mut call = Call::inbound("+420 601 234 567", false);
    call.apply(Actor::Server, Action::Offer { user_id: 10 }).unwrap();
    assert_eq!(call.apply(me(CUSTOMER), Action::Answer { leg: AGENT }), Err(CallRefusal::NotInControl));
    assert_eq!(call.apply(me(AGENT), Action::Answer { leg: 9 }), Err(CallRefusal::NoSuchLeg));
    call.apply(me(AGENT), Action::Answer { leg: AGENT }).unwrap();
    assert_eq!(call.apply(me(AGENT), Action::Answer { leg: AGENT }), Err(CallRefusal::WrongState));
}

#[test]
fn a_customer_who_hangs_up_while_waiting_or_connected_ends_the_call() {
    let mut waiting = Call::inbound("+420 601 234 567", false);
    waiting.apply(me(CUSTOMER), Action::Leave { leg: CUSTOMER }).unwrap();
    assert_eq!(waiting.mode, Mode::Ended);

    let mut call = connected();
    call.apply(me(CUSTOMER), Action::Leave { leg: CUSTOMER }).unwrap();
    assert_eq!(call.mode, Mode::Ended, "one participant remains");
    assert_eq!(call.hears(AGENT), vec![]);
    assert_eq!(call.apply(me(AGENT), Action::Hold { leg: CUSTOMER }), Err(CallRefusal::Ended));
}

#[test]
fn hold_plays_music_to_the_customer_and_a_held_call_cannot_be_ended() {
    let mut call = connected();
    call.apply(me(AGENT), Action::Hold { leg: CUSTOMER }).unwrap();
    assert_eq!(call.hears(CUSTOMER), vec![Source::HoldMusic]);
    assert_eq!(call.hears(AGENT), vec![], "the agent hears neither the customer nor the music");
    assert_eq!(call.recorded(), vec![]);
    assert_eq!(call.apply(me(AGENT), Action::End), Err(CallRefusal::OnHold));
    assert!(!call.allows(me(AGENT), &Action::End));
    assert_eq!(call.apply(me(AGENT), Action::Hold { leg: CUSTOMER }), Err(CallRefusal::WrongState));
    call.apply(me(AGENT), Action::Resume { leg: CUSTOMER }).unwrap();
    assert_eq!(call.hears(CUSTOMER), vec![leg(AGENT)]);
    call.apply(me(AGENT), Action::End).unwrap();
    assert_eq!(call.mode, Mode::Ended);
}

#[test]
fn the_customer_cannot_hold_or_end_and_the_agent_cannot_hold_themself() {
    let mut call = connected();
    assert_eq!(call.apply(me(CUSTOMER), Action::Hold { leg: AGENT }), Err(CallRefusal::NotInControl));
    assert_eq!(call.apply(me(CUSTOMER), Action::End), Err(CallRefusal::NotInControl));
    assert_eq!(call.apply(me(AGENT), Action::Hold { leg: AGENT }), Err(CallRefusal::WrongState));
}

#[test]
fn a_muted_agent_is_heard_by_no_one_but_still_hears() {
    let mut call = connected();
    assert_eq!(
        call.apply(me(CUSTOMER), Action::Mute { leg: AGENT, muted: true }),
        Err(CallRefusal::NotInControl),
        "only a party mutes their own microphone"
    );
    call.apply(me(AGENT), Action::Mute { leg: AGENT, muted: true }).unwrap();
    assert_eq!(call.hears(CUSTOMER), vec![]);
    assert_eq!(call.hears(AGENT), vec![leg(CUSTOMER)]);
    assert_eq!(call.recorded(), vec![leg(CUSTOMER)]);
    call.apply(me(AGENT), Action::Mute { leg: AGENT, muted: false }).unwrap();
    assert_eq!(call.hears(CUSTOMER), vec![leg(AGENT)]);
}

#[test]
fn a_consult_holds_the_customer_and_enables_transfer_and_conference_once_answered() {
    let mut call = connected();
    call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 20 } }).unwrap();
    assert_eq!(call.mode, Mode::Consult);
    assert_eq!(call.hears(CUSTOMER), vec![Source::HoldMusic]);
    assert_eq!(call.apply(me(AGENT), Action::Transfer), Err(CallRefusal::NotAnswered));
    assert_eq!(call.apply(me(AGENT), Action::Conference), Err(CallRefusal::NotAnswered));
    call.apply(me(2), Action::Answer { leg: 2 }).unwrap();
    assert!(call.allows(me(AGENT), &Action::Transfer));
    assert!(call.allows(me(AGENT), &Action::Conference));
    assert_eq!(call.hears(AGENT), vec![leg(2)]);
    assert_eq!(call.hears(2), vec![leg(AGENT)]);
    assert_eq!(call.hears(CUSTOMER), vec![Source::HoldMusic], "the customer hears neither agent");
    assert_eq!(
        call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 30 } }),
        Err(CallRefusal::WrongState),
        "one consult at a time"
    );
}

#[test]
fn resuming_one_side_of_a_consult_holds_the_other_and_both_may_be_held() {
    let mut call = consulting();
    call.apply(me(AGENT), Action::Resume { leg: CUSTOMER }).unwrap();
    assert_eq!(call.leg(2).unwrap().state, LegState::Held);
    assert_eq!(call.hears(CUSTOMER), vec![leg(AGENT)]);
    assert_eq!(call.hears(AGENT), vec![leg(CUSTOMER)]);
    assert_eq!(call.hears(2), vec![Source::HoldMusic]);
    call.apply(me(AGENT), Action::Resume { leg: 2 }).unwrap();
    assert_eq!(call.leg(CUSTOMER).unwrap().state, LegState::Held);
    assert_eq!(call.hears(AGENT), vec![leg(2)]);
    call.apply(me(AGENT), Action::Hold { leg: 2 }).unwrap();
    assert_eq!(call.hears(CUSTOMER), vec![Source::HoldMusic]);
    assert_eq!(call.hears(2), vec![Source::HoldMusic]);
    assert_eq!(call.hears(AGENT), vec![]);
}

#[test]
fn a_consulted_party_that_answers_after_the_agent_went_back_to_the_customer_is_held() {
    let mut call = connected();
    call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 20 } }).unwrap();
    call.apply(me(AGENT), Action::Resume { leg: CUSTOMER }).unwrap();
    call.apply(me(2), Action::Answer { leg: 2 }).unwrap();
    assert_eq!(call.leg(2).unwrap().state, LegState::Held);
    assert_eq!(call.hears(CUSTOMER), vec![leg(AGENT)]);
}

#[test]
fn the_consulted_agent_has_only_exit_and_mute() {
    let mut call = consulting();
    for action in [
        Action::Hold { leg: CUSTOMER },
        Action::Resume { leg: CUSTOMER },
        Action::Conference,
        Action::Transfer,
        Action::EndConsult,
        Action::End,
        Action::Consult { callee: Callee::Number { number: "+420 700 000 000".into() } },
    ] {
        assert!(!call.allows(me(2), &action), "{action:?}");
    }
    assert!(call.allows(me(2), &Action::Mute { leg: 2, muted: true }));
    call.apply(me(2), Action::Leave { leg: 2 }).unwrap();
    assert_eq!(call.mode, Mode::Connected, "Exit Consult: the call goes on with the customer");
    assert_eq!(call.hears(CUSTOMER), vec![Source::HoldMusic], "until the agent resumes them");
    call.apply(me(AGENT), Action::Resume { leg: CUSTOMER }).unwrap();
    assert_eq!(call.hears(CUSTOMER), vec![leg(AGENT)]);
}

#[test]
fn end_consult_sends_the_consulted_party_away() {
    let mut call = consulting();
    call.apply(me(AGENT), Action::EndConsult).unwrap();
    assert_eq!(call.mode, Mode::Connected);
    assert_eq!(call.leg(2).unwrap().state, LegState::Left);
    assert_eq!(call.apply(me(AGENT), Action::EndConsult), Err(CallRefusal::WrongState));
}

#[test]
fn a_declined_consult_leaves_the_agent_with_the_held_customer() {
    let mut call = connected();
    call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 20 } }).unwrap();
    call.apply(me(2), Action::Leave { leg: 2 }).unwrap();
    assert_eq!(call.mode, Mode::Connected);
    assert_eq!(call.leg(CUSTOMER).unwrap().state, LegState::Held);
}

#[test]
fn a_conference_lets_everyone_hear_everyone_else() {
    let mut call = consulting();
    call.apply(me(AGENT), Action::Conference).unwrap();
    assert_eq!(call.mode, Mode::Conference);
    assert_eq!(call.hears(CUSTOMER), vec![leg(AGENT), leg(2)]);
    assert_eq!(call.hears(AGENT), vec![leg(CUSTOMER), leg(2)]);
    assert_eq!(call.hears(2), vec![leg(CUSTOMER), leg(AGENT)]);
    assert_eq!(call.recorded(), vec![leg(CUSTOMER), leg(AGENT), leg(2)]);
    assert_eq!(call.apply(me(AGENT), Action::Hold { leg: CUSTOMER }), Err(CallRefusal::WrongState));
}

#[test]
fn a_consult_from_a_conference_leaves_the_others_talking() {
    let mut call = consulting();
    call.apply(me(AGENT), Action::Conference).unwrap();
    call.apply(me(AGENT), Action::Consult { callee: Callee::Number { number: "+420 700 000 000".into() } })
        .unwrap();
    call.apply(me(3), Action::Answer { leg: 3 }).unwrap();
    assert_eq!(call.hears(AGENT), vec![leg(3)]);
    assert_eq!(call.hears(2), vec![], "the customer is held, agent 20 waits in the main room");
    call.apply(me(AGENT), Action::EndConsult).unwrap();
    assert_eq!(call.mode, Mode::Conference, "back to the conference it came from");
}

#[test]
fn a_conference_holds_at_most_eight_and_supervisors_do_not_count() {
    let mut call = conference_of_four();
    for user_id in 40..44 {
        let id = call.legs.len() as LegId;
        call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id } }).unwrap();
        call.apply(me(id), Action::Answer { leg: id }).unwrap();
        call.apply(me(AGENT), Action::Conference).unwrap();
    }
    assert_eq!(call.participants(), MAX_PARTICIPANTS);
    call.apply(Actor::Server, Action::Monitor { user_id: 99, coach: false }).unwrap();
    assert_eq!(call.participants(), MAX_PARTICIPANTS);
    assert_eq!(
        call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 50 } }),
        Err(CallRefusal::Full)
    );
    let listener = call.leg_of_user(99).unwrap().id;
    assert_eq!(call.apply(me(listener), Action::BargeIn { leg: listener }), Err(CallRefusal::Full));
}

#[test]
fn an_agent_already_on_the_call_cannot_be_consulted_again() {
    let mut call = consulting();
    call.apply(me(AGENT), Action::Conference).unwrap();
    assert_eq!(
        call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 20 } }),
        Err(CallRefusal::AlreadyOnCall)
    );
}

#[test]
fn exit_conference_passes_control_to_the_agent_longest_on_the_call() {
    let mut call = conference_of_four();
    assert_eq!(
        call.apply(me(2), Action::Consult { callee: Callee::Agent { user_id: 50 } }),
        Err(CallRefusal::NotInControl)
    );
    call.apply(me(AGENT), Action::Leave { leg: AGENT }).unwrap();
    assert_eq!(call.mode, Mode::Conference, "the call goes on");
    assert_eq!(call.primary().unwrap().id, 2, "agent 20 joined before agent 30");
    assert_eq!(call.hears(CUSTOMER), vec![leg(2), leg(3)]);
    call.apply(me(3), Action::Leave { leg: 3 }).unwrap();
    assert_eq!(call.mode, Mode::Connected, "two parties are a plain call again");
    assert!(call.allows(me(2), &Action::Hold { leg: CUSTOMER }));
}

#[test]
fn after_the_customer_leaves_the_agents_talk_on_but_no_one_joins() {
    let mut call = conference_of_four();
    call.apply(me(CUSTOMER), Action::Leave { leg: CUSTOMER }).unwrap();
    assert_eq!(call.mode, Mode::PostCall);
    assert_eq!(call.hears(AGENT), vec![leg(2), leg(3)]);
    assert_eq!(
        call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 50 } }),
        Err(CallRefusal::PostCall)
    );
    call.apply(Actor::Server, Action::Monitor { user_id: 99, coach: false }).unwrap();
    let listener = call.leg_of_user(99).unwrap().id;
    assert_eq!(call.apply(me(listener), Action::BargeIn { leg: listener }), Err(CallRefusal::PostCall));
    call.apply(me(3), Action::Leave { leg: 3 }).unwrap();
    assert_eq!(call.mode, Mode::PostCall);
    call.apply(me(2), Action::Leave { leg: 2 }).unwrap();
    assert_eq!(call.mode, Mode::Ended, "the call ends when one participant remains");
}

#[test]
fn a_warm_transfer_hands_the_customer_and_control_to_the_consulted_agent() {
    let mut call = consulting();
    call.apply(me(AGENT), Action::Transfer).unwrap();
    assert_eq!(call.mode, Mode::Connected);
    assert_eq!(call.leg(AGENT).unwrap().state, LegState::Left);
    assert_eq!(call.primary().unwrap().id, 2);
    assert_eq!(call.hears(CUSTOMER), vec![leg(2)]);
    assert_eq!(call.hears(2), vec![leg(CUSTOMER)]);
}

#[test]
fn a_blind_transfer_to_the_queue_puts_the_customer_back_to_wait() {
    let mut call = connected();
    call.apply(me(AGENT), Action::BlindTransfer { callee: None }).unwrap();
    assert_eq!(call.mode, Mode::Waiting);
    assert_eq!(call.hears(CUSTOMER), vec![Source::QueueMusic]);
    assert_eq!(call.leg(AGENT).unwrap().state, LegState::Left);
    call.apply(Actor::Server, Action::Offer { user_id: 20 }).unwrap();
    call.apply(me(2), Action::Answer { leg: 2 }).unwrap();
    assert_eq!(call.hears(CUSTOMER), vec![leg(2)]);
}

#[test]
fn a_blind_transfer_to_a_number_connects_it_without_controls() {
    let mut call = connected();
    call.apply(
        me(AGENT),
        Action::BlindTransfer { callee: Some(Callee::Number { number: "+420 700 000 000".into() }) },
    )
    .unwrap();
    call.apply(me(2), Action::Answer { leg: 2 }).unwrap();
    assert_eq!(call.mode, Mode::Connected);
    assert_eq!(call.hears(CUSTOMER), vec![leg(2)]);
    assert!(call.primary().is_none(), "a dialled number gets no controls");
    assert!(!call.allows(me(2), &Action::Hold { leg: CUSTOMER }));
    assert!(!call.allows(me(2), &Action::End));
    assert!(!call.allows(me(2), &Action::Mute { leg: 2, muted: true }));
    call.apply(me(2), Action::Leave { leg: 2 }).unwrap();
    assert_eq!(call.mode, Mode::Ended);
}

#[test]
fn a_number_sent_the_call_blind_that_does_not_answer_ends_it() {
    let mut call = connected();
    let number = Callee::Number { number: "+420 700 000 000".into() };
    call.apply(me(AGENT), Action::BlindTransfer { callee: Some(number) }).unwrap();
    assert!(call.left_to_numbers(), "no agent takes part any more");
    assert_eq!(call.number_state(2), PhoneState::Waiting);
    call.apply(me(2), Action::Leave { leg: 2 }).unwrap();
    assert_eq!(call.mode, Mode::Ended);
    assert_eq!(call.number_state(2), PhoneState::Ended);
}

#[test]
fn a_consulted_number_is_held_and_handed_the_call_like_an_agent() {
    let mut call = connected();
    let to = ConsultTo::Number { number: "+420 700 000 000".into() };
    call.apply(me(AGENT), CallCommand::Consult { to }.action(&call, AGENT).unwrap()).unwrap();
    assert!(!call.left_to_numbers(), "the agent is still on the call");
    call.apply(me(2), Action::Answer { leg: 2 }).unwrap();
    assert_eq!(call.number_state(2), PhoneState::Connected);
    call.apply(me(AGENT), Action::Hold { leg: 2 }).unwrap();
    assert_eq!(call.number_state(2), PhoneState::OnHold);
    call.apply(me(AGENT), Action::Resume { leg: 2 }).unwrap();
    call.apply(me(AGENT), Action::Transfer).unwrap();
    assert!(call.left_to_numbers());
    assert_eq!(call.hears(CUSTOMER), vec![leg(2)]);
    assert_eq!(call.hears(2), vec![leg(CUSTOMER)]);
}

#[test]
fn a_consult_to_a_queue_waits_for_the_server_to_choose_an_agent() {
    let call = connected();
    let to_queue = CallCommand::Consult { to: ConsultTo::Queue { queue_id: 3 } };
    assert_eq!(to_queue.clone().action(&call, AGENT), None);
    assert_eq!(check_number("+420 700 000 000"), Ok(()));
    assert_eq!(check_number(" ").unwrap_err().rule, Rule::Required);
    assert_eq!(check_number("call me").unwrap_err().field, "number");
    let json = r#"{"command":"consult","to":{"kind":"queue","queue_id":3}}"#;
    assert_eq!(serde_json::from_str::<CallCommand>(json).unwrap(), to_queue);
}

#[test]
fn a_blind_transfer_needs_a_plain_call() {
    let mut call = consulting();
    assert_eq!(call.apply(me(AGENT), Action::BlindTransfer { callee: None }), Err(CallRefusal::WrongState));
}

#[test]
fn recording_pauses_resumes_and_is_locked_during_consult_and_conference() {
    let mut call = connected();
    call.apply(me(AGENT), Action::PauseRecording { until: 60_000 }).unwrap();
    assert_eq!(call.recording, Recording::Paused { until: 60_000 });
    assert_eq!(call.recorded(), vec![], "the paused stretch is silent");
    assert_eq!(
        call.apply(me(AGENT), Action::PauseRecording { until: 90_000 }),
        Err(CallRefusal::NotRecording)
    );
    call.apply(me(AGENT), Action::ResumeRecording).unwrap();
    assert_eq!(call.recording, Recording::On);

    call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 20 } }).unwrap();
    assert_eq!(
        call.apply(me(AGENT), Action::PauseRecording { until: 60_000 }),
        Err(CallRefusal::RecordingLocked)
    );
    call.apply(me(2), Action::Answer { leg: 2 }).unwrap();
    call.apply(me(AGENT), Action::Conference).unwrap();
    assert_eq!(
        call.apply(me(AGENT), Action::PauseRecording { until: 60_000 }),
        Err(CallRefusal::RecordingLocked)
    );
}

#[test]
fn a_pause_running_into_a_consult_still_resumes_by_itself() {
    let mut call = connected();
    call.apply(me(AGENT), Action::PauseRecording { until: 60_000 }).unwrap();
    call.apply(me(AGENT), Action::Consult { callee: Callee::Agent { user_id: 20 } }).unwrap();
    assert_eq!(call.apply(me(AGENT), Action::ResumeRecording), Err(CallRefusal::RecordingLocked));
    call.apply(Actor::Server, Action::ResumeRecording).unwrap();
    assert_eq!(call.recording, Recording::On);
}

#[test]
fn a_queue_that_does_not_record_never_records() {
    let mut call = Call::inbound("+420 601 234 567", false);
    call.apply(Actor::Server, Action::Offer { user_id: 10 }).unwrap();
    call.apply(me(AGENT), Action::Answer { leg: AGENT }).unwrap();
    assert_eq!(call.recording, Recording::Off);
    assert_eq!(call.recorded(), vec![]);
    assert_eq!(call.apply(me(AGENT), Action::PauseRecording { until: 1 }), Err(CallRefusal::NotRecording));
}

#[test]
fn a_listener_hears_everyone_and_is_heard_by_no_one() {
    let mut call = connected();
    assert_eq!(
        call.apply(me(AGENT), Action::Monitor { user_id: 99, coach: false }),
        Err(CallRefusal::NotInControl),
        "monitoring is the server's decision (the supervisor's rights), not the agent's"
    );
    call.apply(Actor::Server, Action::Monitor { user_id: 99, coach: false }).unwrap();
    let listener = call.leg_of_user(99).unwrap().id;
    assert_eq!(call.hears(listener), vec![leg(CUSTOMER), leg(AGENT)]);
    assert_eq!(call.hears(CUSTOMER), vec![leg(AGENT)]);
    assert_eq!(call.hears(AGENT), vec![leg(CUSTOMER)]);
    assert_eq!(call.recorded(), vec![leg(CUSTOMER), leg(AGENT)]);
    assert_eq!(call.apply(me(listener), Action::Hold { leg: CUSTOMER }), Err(CallRefusal::NotInControl));
    assert_eq!(
        call.apply(Actor::Server, Action::Monitor { user_id: 99, coach: true }),
        Err(CallRefusal::AlreadyOnCall)
    );
    call.apply(me(listener), Action::Leave { leg: listener }).unwrap();
    assert_eq!(call.mode, Mode::Connected, "a supervisor leaving changes nothing");
}

#[test]
fn a_coach_is_heard_by_the_agent_only() {
    let mut call = connected();
    call.apply(Actor::Server, Action::Monitor { user_id: 99, coach: true }).unwrap();
    let coach = call.leg_of_user(99).unwrap().id;
    assert_eq!(call.hears(AGENT), vec![leg(CUSTOMER), leg(coach)]);
    assert_eq!(call.hears(CUSTOMER), vec![leg(AGENT)]);
    assert_eq!(call.hears(coach), vec![leg(CUSTOMER), leg(AGENT)]);
    assert_eq!(call.recorded(), vec![leg(CUSTOMER), leg(AGENT)]);
}

#[test]
fn a_supervisor_switches_between_listening_and_coaching() {
    let mut call = connected();
    call.apply(Actor::Server, Action::Monitor { user_id: 99, coach: false }).unwrap();
    let supervisor = call.leg_of_user(99).unwrap().id;
    assert_eq!(
        call.apply(me(AGENT), Action::Coach { leg: supervisor, on: true }),
        Err(CallRefusal::NotInControl),
        "only the supervisor switches themselves"
    );
    call.apply(me(supervisor), Action::Coach { leg: supervisor, on: true }).unwrap();
    assert_eq!(call.hears(AGENT), vec![leg(CUSTOMER), leg(supervisor)]);
    call.apply(me(supervisor), Action::Coach { leg: supervisor, on: false }).unwrap();
    assert_eq!(call.hears(AGENT), vec![leg(CUSTOMER)]);
    assert_eq!(
        call.apply(me(AGENT), Action::Coach { leg: AGENT, on: true }),
        Err(CallRefusal::WrongState),
        "a party on the call is not a coach"
    );
}

#[test]
fn barge_in_turns_the_call_into_a_conference() {
    let mut call = connected();
    call.apply(Actor::Server, Action::Monitor { user_id: 99, coach: false }).unwrap();
    let supervisor = call.leg_of_user(99).unwrap().id;
    assert_eq!(call.apply(me(AGENT), Action::BargeIn { leg: supervisor }), Err(CallRefusal::NotInControl));
    call.apply(me(supervisor), Action::BargeIn { leg: supervisor }).unwrap();
    assert_eq!(call.mode, Mode::Conference);
    assert_eq!(call.hears(CUSTOMER), vec![leg(AGENT), leg(supervisor)]);
    assert_eq!(call.hears(supervisor), vec![leg(CUSTOMER), leg(AGENT)]);
    assert_eq!(call.participants(), 3);
}

#[test]
fn an_outbound_call_rings_the_customer_and_ends_if_they_do_not_answer() {
    let mut call = Call::outbound(10, "+420 601 234 567", false);
    let customer = call.customer().unwrap().id;
    let agent = call.primary().unwrap().id;
    assert_eq!(call.mode, Mode::Waiting);
    assert_eq!(call.hears(agent), vec![]);
    call.apply(me(customer), Action::Answer { leg: customer }).unwrap();
    assert_eq!(call.mode, Mode::Connected);
    assert_eq!(call.hears(agent), vec![leg(customer)]);

    let mut unanswered = Call::outbound(10, "+420 601 234 567", false);
    unanswered.apply(Actor::Server, Action::Leave { leg: customer }).unwrap();
    assert_eq!(unanswered.mode, Mode::Ended);

    let mut cancelled = Call::outbound(10, "+420 601 234 567", false);
    cancelled.apply(me(agent), Action::Leave { leg: agent }).unwrap();
    assert_eq!(cancelled.mode, Mode::Ended, "the agent hangs up before the customer answers");
}

#[test]
fn a_refused_action_changes_nothing() {
    let mut call = consulting();
    let before = call.clone();
    assert!(call.apply(me(AGENT), Action::End).is_err());
    assert!(call.apply(me(AGENT), Action::BlindTransfer { callee: None }).is_err());
    assert_eq!(call, before);
}

#[test]
fn a_call_travels_as_json() {
    let mut call = consulting();
    call.apply(me(AGENT), Action::Conference).unwrap();
    let json = serde_json::to_string(&call).unwrap();
    assert_eq!(serde_json::from_str::<Call>(&json).unwrap(), call);
    let action: Action = serde_json::from_str(r#"{"action":"hold","leg":0}"#).unwrap();
    assert_eq!(action, Action::Hold { leg: 0 });
    let callee: Callee = serde_json::from_str(r#"{"kind":"number","number":"+420 700"}"#).unwrap();
    assert_eq!(callee, Callee::Number { number: "+420 700".into() });
}

#[test]
fn date_time_values_follow_rfc_3339() {
    for good in [
        "2026-12-05T14:30:00Z",
        "2026-12-05T14:30:00+01:00",
        "2026-12-05t14:30:00.123-05:30",
        "2024-02-29T00:00:00Z",
        "2026-06-30T23:59:60Z",
    ] {
        assert!(is_rfc3339(good), "{good}");
    }
    for bad in [
        "2026-12-05",
        "05.12.2026 14:30",
        "2026-12-05T14:30Z",
        "2026-12-05T14:30:00",
        "2025-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-12-05T24:00:00Z",
        "2026-12-05T14:30:00.Z",
        "2026-12-05T14:30:00+1:00",
        "2026-12-05T14:30:00+01:00 ",
        "2026-12-05T14:30:00Zz",
        "２０２６-12-05T14:30:00Z",
    ] {
        assert!(!is_rfc3339(bad), "{bad}");
    }
}

#[test]
fn call_values_are_at_most_256_characters_and_date_times_are_checked() {
    let at_limit = "ž".repeat(CALL_VALUE_MAX_CHARS);
    assert_eq!(check_call_value(CallValueKind::Text, &at_limit), Ok(at_limit.as_str()));
    let over = "ž".repeat(CALL_VALUE_MAX_CHARS + 1);
    assert_eq!(check_call_value(CallValueKind::Text, &over).unwrap_err().rule, Rule::TooLong { max: 256 });
    assert_eq!(
        check_call_value(CallValueKind::DateTime, " 2026-12-05T14:30:00Z "),
        Ok("2026-12-05T14:30:00Z")
    );
    assert_eq!(check_call_value(CallValueKind::DateTime, "tomorrow").unwrap_err().rule, Rule::Malformed);
    assert_eq!(check_call_value(CallValueKind::DateTime, ""), Ok(""), "empty clears the value");
}

#[test]
fn secure_values_are_masked_to_one_length() {
    let variable = |secure| CallVariable {
        name: "card".into(),
        label: "Card".into(),
        order: 1,
        kind: CallValueKind::Text,
        editable: true,
        secure,
    };
    assert_eq!(CallValue::masked(variable(true), "4111 1111 1111 1111", 3).value, SECURE_MASK);
    assert_eq!(CallValue::masked(variable(true), "12", 3).value, SECURE_MASK);
    assert_eq!(CallValue::masked(variable(true), "", 3).value, "");
    assert_eq!(CallValue::masked(variable(false), "12", 3).value, "12");
}

#[test]
fn session_descriptions_are_checked_before_the_switch_reads_them() {
    let sdp = |s: &str| SessionDescription { sdp: s.to_owned() };
    assert_eq!(check_sdp(&sdp("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n")), Ok(()));
    assert_eq!(check_sdp(&sdp("  ")).unwrap_err().rule, Rule::Required);
    assert_eq!(check_sdp(&sdp("hello")).unwrap_err().rule, Rule::Malformed);
    let long = format!("v=0\r\n{}", "a".repeat(SDP_MAX_CHARS));
    assert_eq!(check_sdp(&sdp(&long)).unwrap_err().rule, Rule::TooLong { max: SDP_MAX_CHARS });
}

#[test]
fn the_phone_shows_waiting_connected_on_hold_and_ended() {
    let mut call = Call::inbound("+420 601 234 567", false);
    assert_eq!(call.phone_state(), PhoneState::Waiting);
    call.apply(Actor::Server, Action::Offer { user_id: 10 }).unwrap();
    assert_eq!(call.phone_state(), PhoneState::Waiting, "ringing an agent is still waiting");
    call.apply(me(AGENT), Action::Answer { leg: AGENT }).unwrap();
    assert_eq!(call.phone_state(), PhoneState::Connected);
    call.apply(me(AGENT), Action::Hold { leg: CUSTOMER }).unwrap();
    assert_eq!(call.phone_state(), PhoneState::OnHold);
    call.apply(me(AGENT), Action::Resume { leg: CUSTOMER }).unwrap();
    call.apply(Actor::Leg(CUSTOMER), Action::Leave { leg: CUSTOMER }).unwrap();
    assert_eq!(call.phone_state(), PhoneState::Ended);
}

#[test]
fn the_desk_offers_exactly_the_commands_the_call_takes() {
    let view =
        |call: Call, leg| CallView { conversation_id: 1, call, leg, connected_at: None, agents: Vec::new() };
    let talking = view(connected(), Some(AGENT));
    assert!(talking.may(CallCommand::Hold));
    assert!(!talking.may(CallCommand::Resume), "nothing is held");
    assert!(talking.may(CallCommand::Mute { muted: true }));
    let mut held = connected();
    held.apply(me(AGENT), Action::Hold { leg: CUSTOMER }).unwrap();
    let held = view(held, Some(AGENT));
    assert!(held.may(CallCommand::Resume));
    assert!(!held.may(CallCommand::Hold));
    // Someone not on the call, or the customer's own leg, has no controls.
    assert!(!view(connected(), None).may(CallCommand::Hold));
    assert!(!view(connected(), Some(CUSTOMER)).may(CallCommand::Hold));
    assert!(!view(connected(), Some(CUSTOMER)).may(CallCommand::Mute { muted: true }));
    // A waiting call cannot be held yet.
    let waiting = Call::inbound("+420 601 234 567", false);
    assert!(!view(waiting, Some(AGENT)).may(CallCommand::Hold));
}

#[test]
fn the_desk_offers_consult_controls_to_each_side_as_the_call_takes_them() {
    let view = |call: &Call, user: i64| CallView {
        conversation_id: 1,
        call: call.clone(),
        leg: call.leg_of_user(user).map(|l| l.id),
        connected_at: None,
        agents: Vec::new(),
    };
    let mut call = connected();
    let primary = call.primary().and_then(|l| l.user_id).unwrap();
    let consult = CallCommand::Consult { to: ConsultTo::Agent { user_id: 77 } };
    assert!(view(&call, primary).may(consult.clone()));
    call.apply(me(AGENT), consult.action(&call, AGENT).unwrap()).unwrap();
    let ringing = view(&call, 77);
    assert_eq!(ringing.consult_request().and_then(|l| l.user_id), Some(primary));
    assert!(ringing.may(CallCommand::Answer) && ringing.may(CallCommand::Exit));
    assert!(!view(&call, primary).may(CallCommand::Transfer), "not before the answer");
    assert!(!view(&call, primary).may(CallCommand::Conference));
    assert!(view(&call, primary).may(CallCommand::EndConsult));
    let own = ringing.leg.unwrap();
    call.apply(Actor::Leg(own), CallCommand::Answer.action(&call, own).unwrap()).unwrap();
    let answered = view(&call, primary);
    assert!(answered.may(CallCommand::Transfer) && answered.may(CallCommand::Conference));
    assert_eq!(answered.consult_partner().and_then(|l| l.user_id), Some(77));
    assert_eq!(view(&call, 77).consult_partner().and_then(|l| l.user_id), Some(primary));
    assert!(!view(&call, 77).may(CallCommand::Transfer), "only the primary hands the call on");
    assert!(view(&call, 77).consult_request().is_none());
    // Back to the customer: the colleague waits on hold; both may be held at once.
    assert!(!answered.may(CallCommand::ResumeConsult), "the colleague is not held");
    call.apply(me(AGENT), CallCommand::Resume.action(&call, AGENT).unwrap()).unwrap();
    assert!(view(&call, primary).may(CallCommand::ResumeConsult));
    call.apply(me(AGENT), CallCommand::Hold.action(&call, AGENT).unwrap()).unwrap();
    assert!(call.legs.iter().filter(|l| l.state == crate::voice::LegState::Held).count() == 2);
}

#[test]
fn a_held_call_refuses_end_with_its_own_reason() {
    let mut call = connected();
    call.apply(me(AGENT), Action::Hold { leg: CUSTOMER }).unwrap();
    let refusal = call.apply(me(AGENT), Action::End).unwrap_err();
    assert_eq!(crate::error::Reason::from(refusal), crate::error::Reason::CallOnHold);
}

#[test]
fn a_dial_needs_two_phone_numbers_and_an_offer() {
    let dial = |from: &str, to: &str, sdp: &str| Dial { from: from.into(), to: to.into(), sdp: sdp.into() };
    assert!(check_dial(&dial("+420 601 234 567", "+420 800 100 200", "v=0\r\n")).is_ok());
    let field = |d: Dial| check_dial(&d).unwrap_err();
    assert_eq!(field(dial("", "+420 800 100 200", "v=0")).rule, Rule::Required);
    assert_eq!(field(dial("call me", "+420 800 100 200", "v=0")).field, "from");
    assert_eq!(field(dial("+420 601 234 567", "12", "v=0")).field, "to");
    assert_eq!(field(dial("+420 601 234 567", "+420 800 100 200", "hello")).field, "sdp");
}

#[test]
fn a_queue_names_each_variable_once_in_the_name_form_with_a_label() {
    let variable = |name: &str, label: &str| CallVariable {
        name: name.into(),
        label: label.into(),
        order: 1,
        kind: CallValueKind::Text,
        editable: true,
        secure: false,
    };
    assert_eq!(
        check_call_variables(&[variable("case_number", "Case number"), variable("pin", "PIN")]),
        Ok(())
    );
    let broken = |variables: &[CallVariable]| {
        let e = check_call_variables(variables).unwrap_err();
        (e.field.to_string(), e.rule)
    };
    assert_eq!(broken(&[variable("Case", "Case")]), ("variables[0].name".into(), Rule::Malformed));
    assert_eq!(broken(&[variable("a", "A"), variable("a", "B")]), ("variables[1].name".into(), Rule::Taken));
    assert_eq!(broken(&[variable("", "A")]), ("variables[0].name".into(), Rule::Required));
    assert_eq!(broken(&[variable("a", "  ")]), ("variables[0].label".into(), Rule::Required));
    let many: Vec<_> = (0..=CALL_VARIABLES_MAX).map(|i| variable(&format!("v{i}"), "V")).collect();
    assert_eq!(broken(&many), ("variables".into(), Rule::TooLarge { max: CALL_VARIABLES_MAX }));
}

#[test]
fn a_recording_pause_lasts_five_seconds_to_ten_minutes() {
    let pause = |pause_seconds| QueueRecording { record_calls: true, pause_seconds };
    assert!(check_queue_recording(&pause(5)).is_ok() && check_queue_recording(&pause(600)).is_ok());
    assert_eq!(check_queue_recording(&pause(4)).unwrap_err().field, "pause_seconds");
    assert_eq!(check_queue_recording(&pause(601)).unwrap_err().rule, Rule::NotAnOption);
}
