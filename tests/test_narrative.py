"""Key messages are made from figures, in the voice DESIGN.md sets."""
from wsp_analysis import narrative

Y = "2023-24"


def test_audit_message_in_points_with_untestable_change(register, walsall):
    first = narrative.audits(register, walsall, Y)[0]
    assert first == ("20% of multi-agency audits were graded good (4 of 20), down 15 percentage points from 35% in "
                     "2022-23. That year's counts are not published, so whether the fall is larger than chance alone "
                     "could produce cannot be tested.")


def test_audit_interval_is_stated(register, walsall):
    # Wilson 95% interval for 4 of 20 is 0.0807 to 0.4160
    assert "runs from 8% to 42%" in narrative.audits(register, walsall, Y)[1]


def test_training_message(register):
    assert narrative.training(register, Y)[0] == ("82% of training bookings were attended (1,333 of 1,617), and 55% "
                                                  "of the 2,412 places offered were used.")


def test_budget_message_says_adverse_in_words(register, walsall):
    assert narrative.budget(register, walsall, Y)[0] == (
        "Spending was £567,721 against a budget of £374,813: £192,908 (51%) over budget (adverse), mainly "
        "Agency & Consultants (£301,521, unbudgeted).")
    assert "Spending exceeded income by £116,671: a deficit" in narrative.budget(register, walsall, Y)[2]


def test_referral_messages_keep_missing_quarters_missing(register):
    msgs = narrative.referrals(register, Y)
    assert msgs[0].startswith("5 serious-incident referrals were received, 2 fewer than the 7 in 2022-23; 4 of the 5 "
                              "(80%) met the criteria for a rapid review")
    assert any("3 in Q1 and 9 in Q3; Q2 and Q4 were not published" in m for m in msgs)


def test_key_messages_one_per_section(register, walsall):
    assert len(narrative.key_messages(register, walsall, Y)) == 4
