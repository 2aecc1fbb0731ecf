from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jointworking as jw
from builders import records, survey
from jointworking import ArgumentError, Response, Responses, Rung, ValueInputs, assess
from jointworking.export import group_rows

C, P, T = Rung.COLLABORATION, Rung.PARTNERSHIP, Rung.TRANSACTION

# Answer rows with a known placement (collaboration questions are 1, 2 and 6):
TOP = [4] * 10  # partnership, index 100
COLLAB = [3, 3, 2, 2, 2, 3, 2, 2, 2, 2]  # collaboration; partnership questions not met
LOW = [1] * 10  # transaction


def kinds(assessment: jw.Assessment) -> list[tuple[str, str, str]]:
    return sorted((f.kind, f.severity, f.subject) for f in assessment.findings)


class TestGroups:
    def test_statistics_by_hand(self) -> None:
        """Means, SDs, counts and r_wg of a group match hand arithmetic."""
        # question 1 answers 2, 3, 4: mean 3, sample variance 1, r_wg = 1 - 1/2 = 0.5
        # question 2 answers 3, 3, "don't know": mean 3 over 2 answers, variance 0, r_wg 1
        rows: list[list[float | None]] = [
            [2, 3, *COLLAB[2:]],
            [3, 3, *COLLAB[2:]],
            [4, None, *COLLAB[2:]],
        ]
        group = assess(survey(records("A", "internal", rows))).group("A")
        assert group.respondents == 3
        assert group.count[:2] == (3, 2)
        assert group.mean[:2] == (3.0, 3.0)
        assert group.sd[0] == pytest.approx(1.0)
        assert group.rwg[0] == pytest.approx(0.5)
        assert group.rwg[1] == 1.0
        # r_wg(J): mean item variance 1/10 (only q1 varies); ratio 0.05;
        # J(1 - ratio) / (J(1 - ratio) + ratio) = 9.5 / 9.55
        assert group.rwg_j == pytest.approx(9.5 / 9.55)
        assert group.rung is C

    def test_dont_know_is_not_zero(self) -> None:
        """A missing answer is left out of the mean, not counted as 0."""
        rows: list[list[float | None]] = [[4] * 10, [None] * 10, [4] * 10]
        group = assess(survey(records("A", "internal", rows))).group("A")
        assert group.mean == (4.0,) * 10
        assert group.count == (2,) * 10
        assert group.respondents == 3
        assert group.rung is P

    def test_divided_is_not_uncertain(self) -> None:
        """Respondents divided on a deciding question, on a rung no resample could change."""
        # q1 answers 0, 4, 4: variance 16/3; q2 and q6 all 1: variance 0. The deciding
        # questions at transaction are 1, 2 and 6: mean variance 16/9, ratio 8/9 against
        # the null variance 2, so r_wg(J) = 3(1/9) / (3(1/9) + 8/9) = 3/11 (James et al.).
        rows = [[0, *LOW[1:]], [4, *LOW[1:]], [4, *LOW[1:]]]
        group = assess(survey(records("A", "internal", rows))).group("A")
        assert group.rwg[0] == 0.0
        assert group.deciding_rwg_j == pytest.approx(3 / 11)
        assert (group.divided, group.dividing) == (True, (1,))
        # Questions 2 and 6 are never met, whoever is drawn: transaction for certain.
        assert (group.confidence, group.uncertain) == (1.0, False)

    def test_latest_wave_by_default(self) -> None:
        """group() without a wave gives the latest wave; a named wave gives that one."""
        responses = survey(
            records("A", "internal", [LOW] * 3, wave="2025-Q3"),
            records("A", "internal", [COLLAB] * 3, wave="2026-Q1"),
        )
        assessment = assess(responses)
        assert assessment.group("A").wave == "2026-Q1"
        assert assessment.group("A", wave="2025-Q3").rung is T
        assert assessment.group(" A ", "INTERNAL").rung is C

    def test_unit_gap(self) -> None:
        """The spread of units' index is reported (R8); TOP scores 100, LOW 25."""
        rows = [TOP] * 3 + [LOW] * 3
        units = ["Housing"] * 3 + ["Highways"] * 3
        group = assess(survey(records("A", "internal", rows, units=units))).group("A")
        assert group.units == ("Highways", "Housing")
        assert group.unit_gap == pytest.approx(100.0 - 25.0)

    def test_unit_gap_leaves_out_small_units(self) -> None:
        """A unit with fewer than min_group_size respondents does not enter the gap.

        Otherwise a unit of one would put one person's answers into a shared figure.
        """
        rows = [TOP] * 3 + [LOW] * 3 + [[0] * 10]
        units = ["Housing"] * 3 + ["Highways"] * 3 + ["Parks"]
        group = assess(survey(records("A", "internal", rows, units=units))).group("A")
        assert group.units == ("Highways", "Housing", "Parks")
        assert group.unit_gap == pytest.approx(75.0)  # Parks (index 0) is left out
        everyone = assess(
            survey(records("A", "internal", rows, units=units)), min_group_size=1
        ).group("A")
        assert everyone.unit_gap == pytest.approx(100.0)

    def test_unit_index_is_placed_from_unit_means(self) -> None:
        """A unit's index is its per-question means placed like a group's, not a mean of
        people's indices: a person who answered one question counts for that question."""
        rows: list[list[float | None]] = [[4] * 10, [4] * 10, [0, *[None] * 9]]
        rows += [[2] * 10] * 3
        units = ["Housing"] * 3 + ["Highways"] * 3
        group = assess(survey(records("A", "internal", rows, units=units))).group("A")
        # Housing: question 1 mean 8/3, questions 2-10 mean 4 -> index
        # 100 * (8/3 + 9 * 4) / 10 / 4; Highways: index 50.
        housing = 100 * (8 / 3 + 36) / 40
        assert group.unit_gap == pytest.approx(housing - 50.0)

    def test_unknown_group(self) -> None:
        """Asking for a group nobody answered for is an error listing the groups."""
        assessment = assess(survey(records("A", "internal", [TOP] * 3)))
        with pytest.raises(ArgumentError, match=r"no responses from 'B' about 'internal'.*A \("):
            assessment.group("B")


def pair_survey(
    a_internal: list[int] | None,
    a_view: list[int],
    b_view: list[int] | None,
    b_internal: list[int] | None,
) -> Responses:
    groups = [records("A", "B", [a_view] * 3)]
    if b_view is not None:
        groups.append(records("B", "A", [b_view] * 3))
    if a_internal is not None:
        groups.append(records("A", "internal", [a_internal] * 3))
    if b_internal is not None:
        groups.append(records("B", "internal", [b_internal] * 3))
    return survey(*groups)


class TestRelationships:
    # The effective rung is the lowest of the members' views and internal rungs (R7).
    @pytest.mark.parametrize(
        ("a_internal", "a_view", "b_view", "b_internal", "effective"),
        [
            (None, TOP, TOP, None, P),  # both views partnership, no internal known
            (None, TOP, COLLAB, None, C),  # the lower view wins
            (LOW, TOP, TOP, TOP, T),  # A's internal transaction caps it
            (TOP, COLLAB, TOP, TOP, C),
            (None, TOP, None, COLLAB, C),  # one-sided, but B's internal rung is known
        ],
    )
    def test_effective_rung(
        self,
        a_internal: list[int] | None,
        a_view: list[int],
        b_view: list[int] | None,
        b_internal: list[int] | None,
        effective: Rung,
    ) -> None:
        """The effective rung is the minimum over views and members' internal rungs."""
        assessment = assess(pair_survey(a_internal, a_view, b_view, b_internal))
        assert assessment.relationship("A", "B").effective_rung is effective

    def test_order_free_and_views(self) -> None:
        """relationship(a, b) equals relationship(b, a) and holds both views with gaps."""
        assessment = assess(pair_survey(None, TOP, COLLAB, None))
        view = assessment.relationship("B", "A")
        assert view is assessment.relationship("A", "B")
        assert view.subject == "A and B"
        assert view.members == ("A", "B")
        assert {m: p.rung for m, p in view.views.items()} == {"A": P, "B": C}
        # gaps: 4 - 3 on questions 1, 2, 6 and 4 - 2 elsewhere
        assert view.gaps == (1.0, 1.0, 2.0, 2.0, 2.0, 1.0, 2.0, 2.0, 2.0, 2.0)
        assert not view.one_sided

    def test_one_sided(self) -> None:
        """A partner that never answered makes the relationship one-sided."""
        view = assess(survey(records("A", "B", [TOP] * 3))).relationship("A", "B")
        assert view.one_sided
        assert view.silent == ("B",)
        assert all(math.isnan(g) for g in view.gaps)

    def test_arrangement(self) -> None:
        """Answers about a declared arrangement belong to it; silent members are listed."""
        responses = survey(
            records("A", "Alliance", [TOP] * 3), records("B", "Alliance", [COLLAB] * 3)
        )
        assessment = assess(responses, arrangements={"Alliance": ["C", "B", "A"]})
        view = assessment.relationship("Alliance")
        assert view.kind == "arrangement"
        assert view.members == ("A", "B", "C")
        assert view.silent == ("C",)
        assert view.effective_rung is C

    def test_non_member_answers_about_arrangement(self) -> None:
        """Answering about an arrangement one is not a member of is an error."""
        responses = survey(records("D", "Alliance", [TOP] * 3))
        with pytest.raises(ArgumentError, match=r"'D' answered about the arrangement 'Alliance'"):
            assess(responses, arrangements={"Alliance": ["A", "B"]})

    def test_unknown_relationship(self) -> None:
        """Asking for a relationship nobody gave a view of is an error."""
        assessment = assess(pair_survey(None, TOP, TOP, None))
        with pytest.raises(ArgumentError, match=r"nobody gave a view of 'A and C'"):
            assessment.relationship("A", "C")


def test_an_internal_view_without_a_wave_caps_every_wave() -> None:
    """R7 still caps a relationship answered in a named wave when the organisation's
    internal view was given without a wave (rather than silently not at all)."""
    responses = survey(
        records("A", "internal", [LOW] * 3),
        records("A", "B", [TOP] * 3, wave="2026"),
        records("B", "A", [TOP] * 3, wave="2026"),
    )
    result = assess(responses)
    view = result.relationship("A", "B")
    assert view.internal == {"A": T}
    assert view.effective_rung is T
    assert any(f.kind == "external_above_internal" for f in result.findings)
    # A dated internal view takes precedence in its own wave.
    dated = survey(
        records("A", "internal", [LOW] * 3),
        records("A", "internal", [TOP] * 3, wave="2026"),
        records("A", "B", [TOP] * 3, wave="2026"),
        records("B", "A", [TOP] * 3, wave="2026"),
    )
    assert assess(dated).relationship("A", "B").effective_rung is P


class TestFindings:
    def test_overstated_label_warning(self) -> None:
        """A claim one rung above the evidence is a warning naming blocking questions (R6)."""
        assessment = assess(
            pair_survey(None, COLLAB, COLLAB, None), claims={("B", "A"): "partnership"}
        )
        (finding,) = [f for f in assessment.findings if f.kind == "overstated_label"]
        assert finding.severity == "warning"
        assert finding.subject == "A and B"
        assert finding.questions == (3, 4, 5, 7, 8, 9, 10)
        assert "called a partnership" in finding.message
        assert "places it at collaboration, 1 rung lower." in finding.message

    def test_overstated_label_critical(self) -> None:
        """A claim two rungs above the evidence is critical."""
        assessment = assess(pair_survey(None, LOW, LOW, None), claims={("A", "B"): P})
        assert ("overstated_label", "critical", "A and B") in kinds(assessment)

    def test_overstated_names_every_question_below_the_claim(self) -> None:
        """The questions named are all those, up to the claimed rung, the lower views miss.

        A's view is transactional (question 1 unmet) and also misses partnership question
        9; B's is collaboration, missing only question 10. Called a partnership, the
        relationship is held back by 1, 9 and 10, not just by each view's next rung.
        """
        a_view = [1, 3, 3, 3, 3, 3, 3, 3, 1, 3]
        b_view = [3, 3, 3, 3, 3, 3, 3, 3, 3, 2]
        assessment = assess(pair_survey(None, a_view, b_view, None), claims={("A", "B"): P})
        (finding,) = [f for f in assessment.findings if f.kind == "overstated_label"]
        assert (finding.severity, finding.questions) == ("critical", (1, 9, 10))

    def test_overstated_names_no_question_above_the_claim(self) -> None:
        """Called a collaboration, only the collaboration questions missed are named."""
        a_view = [1, 3, 3, 3, 3, 3, 3, 3, 1, 3]
        claims = {("A", "B"): Rung.COLLABORATION}
        assessment = assess(pair_survey(None, a_view, TOP, None), claims=claims)
        (finding,) = [f for f in assessment.findings if f.kind == "overstated_label"]
        assert (finding.severity, finding.questions) == ("warning", (1,))

    def test_overstated_names_only_what_a_small_view_shares(self) -> None:
        """The analyst's finding names a small member's blocking questions only; the shared
        view places the relationship on the other view, and says so."""
        a_view = [1, 3, 3, 1, 1, 3, 3, 3, 3, 3]  # transaction; partnership 4 and 5 unmet too
        responses = survey(records("A", "B", [a_view] * 2), records("B", "A", [TOP] * 3))
        assessment = assess(responses, claims={("A", "B"): P})
        (finding,) = [f for f in assessment.findings if f.kind == "overstated_label"]
        assert finding.questions == (1,)
        shared = assessment.shared_view()
        view = shared.relationship("A", "B")
        assert (list(view.views), view.withheld, view.effective_rung) == (["B"], ("A",), P)
        assert view.partial
        assert not [f for f in shared.findings if f.kind == "overstated_label"]
        layout = assessment.to_dict()["relationships"][0]
        assert (list(layout["views"]), layout["withheld"]) == (["B"], ["A"])

    def test_overstated_with_many_questions(self) -> None:
        """Question sets past 64 questions are named right (no fixed-width bit masks)."""
        questions = [
            jw.Question(i + 1, f"item{i + 1}", f"Question {i + 1}", C if i < 35 else P)
            for i in range(70)
        ]
        instrument = jw.Instrument("big", "test", questions, scale=jw.MORLEY_2016.scale)
        for unmet in ([63], [64], [66], [36, 65]):
            low = np.full((3, 70), 4.0)
            low[:, unmet] = 1.0
            responses = Responses.from_arrays(
                np.vstack([low, np.full((3, 70), 4.0)]),
                organisation=["A"] * 3 + ["B"] * 3,
                about=["B"] * 3 + ["A"] * 3,
                instrument=instrument,
            )
            assessment = assess(responses, claims={("A", "B"): P})
            (finding,) = [f for f in assessment.findings if f.kind == "overstated_label"]
            assert finding.questions == tuple(u + 1 for u in unmet)

    def test_overstated_because_capped(self) -> None:
        """When an internal rung caps the relationship, the finding says so (R7)."""
        assessment = assess(pair_survey(LOW, TOP, TOP, TOP), claims={("A", "B"): P})
        (finding,) = [f for f in assessment.findings if f.kind == "overstated_label"]
        assert "2 rungs lower (the members' views are higher, but A is at transaction" in (
            finding.message
        )

    def test_withheld_gaps_not_named(self) -> None:
        """A perception-gap finding names no questions when a member's group is small, and
        the shared view, with one view left, finds no gap at all."""
        responses = survey(records("A", "B", [TOP] * 2), records("B", "A", [COLLAB] * 3))
        result = assess(responses)
        (finding,) = [f for f in result.findings if f.kind == "perception_gap"]
        assert finding.questions == ()
        assert "gaps" not in finding.message
        assert not [f for f in result.shared_view().findings if f.kind == "perception_gap"]

    def test_consistent_label(self) -> None:
        """A claim the evidence bears out is no finding."""
        assessment = assess(pair_survey(None, TOP, TOP, None), claims={("A", "B"): P})
        assert kinds(assessment) == []

    def test_external_above_internal(self) -> None:
        """A view above the member's own internal rung is a finding (R7)."""
        assessment = assess(pair_survey(LOW, TOP, TOP, TOP))
        (finding,) = [f for f in assessment.findings if f.kind == "external_above_internal"]
        assert finding.organisations == ("A",)
        assert finding.questions == (1, 2, 6)  # what blocks A internally
        assert "above its own internal joint working (transaction)" in finding.message

    def test_perception_gap_on_rungs(self) -> None:
        """Members placing the relationship on different rungs is a warning."""
        assessment = assess(pair_survey(None, TOP, COLLAB, None))
        assert ("perception_gap", "warning", "A and B") in kinds(assessment)

    def test_perception_gap_on_questions_only(self) -> None:
        """A gap of a point or more on a question, same rung, is information."""
        other = [4, 4, 2, 2, 2, 4, 2, 2, 2, 3]  # collaboration too; q10 is 3 vs 2
        assessment = assess(pair_survey(None, COLLAB, other, None))
        (finding,) = [f for f in assessment.findings if f.kind == "perception_gap"]
        assert finding.severity == "info"
        assert finding.questions == (1, 2, 6, 10)

    def test_one_sided(self) -> None:
        """A silent partner is a warning naming it."""
        assessment = assess(pair_survey(None, TOP, None, None))
        (finding,) = [f for f in assessment.findings if f.kind == "one_sided"]
        assert finding.organisations == ("B",)
        assert finding.message.startswith("B gave no view of the joint working of A and B")

    def test_too_few_respondents(self) -> None:
        """A group smaller than min_group_size is flagged."""
        responses = survey(records("A", "internal", [TOP] * 2))
        assert kinds(assess(responses)) == [("too_few_respondents", "warning", "A (internal)")]
        assert kinds(assess(responses, min_group_size=2)) == []

    def test_low_agreement_decisive(self) -> None:
        """Respondents divided on the questions that decide the placement is a warning."""
        rows = [[0, *LOW[1:]], [4, *LOW[1:]], [4, *LOW[1:]]]
        (finding,) = assess(survey(records("A", "internal", rows))).findings
        assert finding.message == (
            "Respondents for A (internal) do not share one view of the questions that decide"
            " its placement (transaction): their agreement on those questions as a scale"
            " (r_wg(J)) is 0.27, below 0.70; they differ most on question 1."
        )
        assert (finding.kind, finding.severity, finding.questions) == (
            "low_agreement",
            "warning",
            (1,),
        )

    def test_no_finding_for_disagreement_elsewhere(self) -> None:
        """Disagreement away from the deciding questions raises no finding."""
        # collaboration questions agree at 1 (transaction; deciding: 1, 2, 6);
        # every partnership question splits 0/4/4: r_wg 0 on each
        rows = [[1, 1, 0, 0, 0, 1, 0, 0, 0, 0], [1, 1, 4, 4, 4, 1, 4, 4, 4, 4]]
        rows.append(rows[1])
        result = assess(survey(records("A", "internal", rows)))
        assert result.findings == ()
        group = result.group("A")
        assert group.rwg_j < 0.7
        assert (group.deciding_rwg_j, group.divided) == (1.0, False)

    def test_sd_of_0_8_is_not_divided(self) -> None:
        """Eight respondents spread by about 0.8 of a point share one view (r_wg(J) high)."""
        # Each question: answers 2, 2, 3, 3, 3, 3, 4, 4 (variance 4/7, SD 0.76), so the
        # per-question r_wg is 1 - (4/7)/2 = 5/7. Every mean is 3: partnership, decided by
        # all ten questions, so r_wg(J) = 10(5/7) / (10(5/7) + 2/7) = 50/52.
        column = [2, 2, 3, 3, 3, 3, 4, 4]
        rows = [[v] * 10 for v in column]
        group = assess(survey(records("A", "internal", rows))).group("A")
        assert group.rwg[0] == pytest.approx(5 / 7)
        assert group.deciding_rwg_j == pytest.approx(50 / 52)
        assert not group.divided

    def test_rung_jump(self) -> None:
        """A target two rungs above the evidence is a jump (R4)."""
        assessment = assess(pair_survey(None, LOW, LOW, None), targets={("A", "B"): P})
        (finding,) = assessment.findings
        assert (finding.kind, finding.severity) == ("rung_jump", "warning")
        assert "plan the steps collaboration then partnership" in finding.message
        one_step = assess(pair_survey(None, COLLAB, COLLAB, None), targets={("A", "B"): P})
        assert kinds(one_step) == []

    @pytest.mark.parametrize(
        ("joint", "severity"),
        [
            (1050.0, "warning"),  # uplift 5%: marginal (R2)
            (1000.0, "critical"),  # uplift 0: none
        ],
    )
    def test_insufficient_added_value(self, joint: float, severity: str) -> None:
        """A marginal or no increase in value is a finding (R2); significant is none."""
        values = {("A", "B"): ValueInputs([600.0, 400.0], joint)}
        assessment = assess(pair_survey(None, TOP, TOP, None), values=values)
        assert kinds(assessment) == [("insufficient_added_value", severity, "A and B")]
        good = {("A", "B"): ValueInputs([600.0, 400.0], 1200.0)}
        assert kinds(assess(pair_survey(None, TOP, TOP, None), values=good)) == []

    def test_unit_divergence(self) -> None:
        """Units a scale point or more apart are information (R8)."""
        rows = [TOP, TOP, TOP, LOW, LOW, LOW]
        units = ["Housing"] * 3 + ["Highways"] * 3
        assessment = assess(survey(records("A", "internal", rows, units=units)))
        assert ("unit_divergence", "info", "A (internal)") in kinds(assessment)

    def test_sorted_by_severity(self) -> None:
        """Findings come most severe first."""
        assessment = assess(pair_survey(LOW, TOP, None, None), claims={("A", "B"): P})
        order = [f.severity for f in assessment.findings]
        assert order == sorted(order, key=["critical", "warning", "info"].index)

    @pytest.mark.parametrize(
        ("waves", "warned"),
        [
            (("2025-Q3", "2026-Q1"), False),
            (("2025-09", "2025-10"), False),
            (("October 2025", "March 2026"), True),
            (("2025-9", "2025-10"), True),  # year first, but "2025-10" sorts first as text
        ],
    )
    def test_wave_order(self, waves: tuple[str, str], warned: bool) -> None:
        """Waves not named year first get a warning that text order may not be time order."""
        responses = survey(
            records("A", "internal", [TOP] * 3, wave=waves[0]),
            records("A", "internal", [TOP] * 3, wave=waves[1]),
        )
        found = [f for f in assess(responses).findings if f.kind == "wave_order"]
        assert bool(found) is warned
        if warned:
            assert f"({min(waves)!r} before {max(waves)!r})" in found[0].message

    def test_findings_on_latest_wave_only(self) -> None:
        """An earlier wave's problems do not reappear as findings."""
        responses = survey(
            records("A", "internal", [TOP] * 2, wave="2025"),
            records("A", "internal", [TOP] * 3, wave="2026"),
        )
        assert kinds(assess(responses)) == []


class TestProgress:
    def test_between_waves(self) -> None:
        """Rung and index change between consecutive waves."""
        responses = survey(
            records("A", "internal", [LOW] * 3, wave="2025-Q3"),
            records("A", "internal", [COLLAB] * 3, wave="2026-Q1"),
        )
        (progress,) = assess(responses).progress
        assert (progress.before, progress.after) == ("2025-Q3", "2026-Q1")
        assert (progress.rung_before, progress.rung_after, progress.rung_change) == (T, C, 1)
        # index 25 -> (3*3 + 7*2)/10/4*100 = 57.5
        assert progress.index_change == pytest.approx(32.5)


class TestArguments:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"min_group_size": 0}, "min_group_size: expected a whole number of at least 1"),
            ({"min_group_size": 2.5}, "min_group_size"),
            ({"agreement_threshold": 1.5}, "agreement_threshold: expected a number from 0 to 1"),
            ({"claims": {("A", "C"): P}}, r"claims: nobody gave a view of 'A and C'"),
            ({"claims": {("A", "A"): P}}, "expected a pair of two different organisation names"),
            ({"claims": {"Alliance": P}}, "'Alliance' is not a declared arrangement"),
            ({"claims": {("A", "B"): "merger"}}, r"claims\['A and B'\]: expected one of"),
            ({"targets": {("B", "Z"): P}}, "targets: nobody gave a view"),
            ({"values": {("A", "B"): 3.0}}, r"values\['A and B'\]: expected ValueInputs"),
            (
                {"values": {("A", "B"): ValueInputs([0.0], 1.0)}},
                r"values\['A and B'\]: individual: expected values whose sum",
            ),
            ({"arrangements": {"A": ["A", "B"]}}, "also an organisation's name"),
            ({"arrangements": {"X": ["A"]}}, "at least two different members"),
            ({"arrangements": {"X": "AB"}}, "expected a list of member organisations"),
            (
                {"instrument": jw.Instrument.from_dict(jw.MORLEY_2016.to_dict() | {"name": "x"})},
                "answer 'morley-2016', not 'x'",
            ),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, Any], message: str) -> None:
        """Bad settings and keys are refused with the argument named."""
        with pytest.raises(ArgumentError, match=message):
            assess(pair_survey(None, TOP, TOP, None), **kwargs)

    def test_not_responses(self) -> None:
        """assess needs a Responses collection."""
        with pytest.raises(ArgumentError, match="responses: expected a Responses collection"):
            assess([Response("A", "internal", "1", {})])  # type: ignore[arg-type]

    @pytest.mark.parametrize("argument", ["claims", "targets"])
    def test_a_pair_given_both_ways_is_refused(self, argument: str) -> None:
        """("A", "B") and ("B", "A") are one relationship: giving both is an error, not a
        silent choice of one."""
        given = {argument: {("A", "B"): P, ("B", "A"): C}}
        with pytest.raises(ArgumentError, match=rf"{argument}: 'A and B' is given twice"):
            assess(pair_survey(None, TOP, TOP, None), **given)  # type: ignore[arg-type]

    def test_values_given_both_ways_are_refused(self) -> None:
        inputs = ValueInputs([4.0, 6.5], 12.2)
        with pytest.raises(ArgumentError, match="values: 'A and B' is given twice"):
            assess(
                pair_survey(None, TOP, TOP, None),
                values={("A", "B"): inputs, ("B", "A"): inputs},
            )

    @pytest.mark.parametrize("argument", ["claims", "targets", "values"])
    def test_keys_must_come_in_a_mapping(self, argument: str) -> None:
        with pytest.raises(ArgumentError, match=rf"{argument}: expected a mapping"):
            assess(pair_survey(None, TOP, TOP, None), **{argument: [("A", "B")]})  # type: ignore[arg-type]


class TestLayout:
    def test_a_group_does_not_depend_on_unrelated_groups(self) -> None:
        """Adding an organisation answering from two units changes no other group's figures,
        to the last bit (every group array is laid out alike, so rounds alike)."""
        rng = np.random.default_rng(5)
        answers = rng.integers(0, 5, size=(600, 10)).astype(float)
        answers[rng.random(answers.shape) < 0.2] = np.nan
        names = [f"Org{i // 6:03d}" for i in range(600)]
        alone = assess(Responses.from_arrays(answers, organisation=names, about="internal"))
        extra = Responses.from_arrays(
            np.vstack([answers, np.full((6, 10), 3.0)]),
            organisation=[*names, *["Zed"] * 6],
            about="internal",
            unit=[None] * 600 + ["u1"] * 3 + ["u2"] * 3,
        )
        together = {g.organisation: g for g in assess(extra).groups}
        for group in alone.groups:
            other = together[group.organisation]
            assert group.placement is not None
            assert other.placement is not None
            assert repr((group.rwg_j, group.rwg, group.sd, group.placement.index)) == repr(
                (other.rwg_j, other.rwg, other.sd, other.placement.index)
            )


class TestResultSequences:
    """Groups, relationships, findings and progress are read-only sequences, built lazily."""

    def test_sequence_behaviour(self) -> None:
        result = assess(pair_survey(LOW, TOP, COLLAB, TOP), claims={("A", "B"): P})
        groups = result.groups
        assert len(groups) == 4
        assert groups[-1] is groups[3]  # built once, then kept
        assert groups[1:3] == (groups[1], groups[2])
        assert list(groups) == [groups[i] for i in range(4)]
        assert groups == tuple(groups)
        assert groups != tuple(groups)[:3]
        assert (groups == "abcd") is False  # type: ignore[comparison-overlap]
        with pytest.raises(IndexError):
            groups[4]
        with pytest.raises(IndexError):
            groups[-5]
        assert [g.organisation for g in groups] == ["A", "A", "B", "B"]
        assert repr(result.relationships).startswith("(RelationshipView(")
        with pytest.raises(TypeError):
            hash(groups)

    def test_long_sequences_have_a_short_repr(self) -> None:
        rows = [records(name, "internal", [TOP] * 3) for name in "ABCDEFGH"]
        text = repr(assess(survey(*rows)).groups)
        assert text.startswith("<8 items: GroupView(organisation='A'")
        assert "organisation='H'" in text

    def test_findings_read_one_by_one_or_all_at_once_agree(self) -> None:
        """Iterating builds all findings at once by a quicker path; it must give exactly
        the findings that reading them one at a time gives, and keep those already read."""
        example = jw.load_example()
        kwargs: dict[str, Any] = {"claims": example.claims, "arrangements": example.arrangements}
        one_by_one = assess(example.responses, **kwargs)
        singles = [one_by_one.findings[i] for i in range(len(one_by_one.findings))]
        at_once = assess(example.responses, **kwargs)
        first = at_once.findings[0]
        everything = list(at_once.findings)
        assert everything == singles
        assert everything[0] is first
        assert {f.kind for f in everything} >= {"low_agreement", "perception_gap"}

    def test_statistics_give_the_same_assessment(self) -> None:
        """From statistics, every figure is the same but how sure each rung is."""
        responses = pair_survey(LOW, TOP, COLLAB, TOP)
        from_responses = assess(responses, claims={("A", "B"): P})
        statistics = jw.GroupStatistics.from_responses(responses)
        from_statistics = assess(statistics, claims={("A", "B"): P})
        assert (from_responses.uncertainty, from_statistics.uncertainty) == (
            "bootstrap",
            "normal",
        )
        assert list(from_statistics.findings) == list(from_responses.findings)
        unsure = (
            *("rung_probabilities", "confidence", "uncertain", "uncertainty", "settings"),
            *("reliability", "p_rung_moved", "interval", "direction"),
        )

        def sure(layout: dict[str, Any]) -> Any:
            if isinstance(layout, dict):
                return {k: sure(v) for k, v in layout.items() if k not in unsure}
            if isinstance(layout, list):
                return [sure(v) for v in layout]
            return layout

        analyst = from_responses.to_dict(shared=False)
        assert sure(from_statistics.to_dict(shared=False)) == sure(analyst)
        assert from_statistics == assess(statistics, claims={("A", "B"): P})

    def test_statistics_without_cross_sums_give_no_probabilities(self) -> None:
        """Statistics built without cross sums cannot say how sure a rung is, and say so."""
        statistics = jw.GroupStatistics.from_responses(
            pair_survey(LOW, TOP, COLLAB, TOP), cross=False
        )
        result = assess(statistics)
        assert result.uncertainty == "none"
        group = result.group("A")
        assert (group.rung_probabilities, group.uncertain) == (None, False)
        assert math.isnan(group.confidence)
        assert result.reliability is None

    def test_assessments_compare_by_content(self) -> None:
        """Equal settings and results are equal; any difference is not; never hashable."""
        responses = pair_survey(LOW, TOP, COLLAB, TOP)
        assert assess(responses) == assess(responses)
        assert assess(responses) != assess(responses, claims={("A", "B"): P})  # a finding
        assert assess(responses) != assess(responses, min_group_size=2)
        assert assess(responses) != assess(pair_survey(LOW, TOP, TOP, TOP))
        assert assess(responses) != "assessment"
        with pytest.raises(TypeError):
            hash(assess(responses))


def few_answered() -> jw.Assessment:
    """A's three respondents: only one answers question 1 (with 0); B's three all say 4."""
    a_rows: list[list[float | None]] = [[0, *TOP[1:]], [None, *TOP[1:]], [None, *TOP[1:]]]
    return assess(survey(records("A", "B", a_rows), records("B", "A", [TOP] * 3)))


class TestQuestionsFewAnswered:
    """A question answered by fewer than min_group_size people, in a group large enough."""

    def test_views_say_which(self) -> None:
        result = few_answered()
        group = result.group("A", about="B")
        assert (group.small, group.count[0], group.withheld_questions) == (False, 1, (1,))
        view = result.relationship("A", "B")
        assert dict(view.withheld_questions) == {"A": (1,), "B": ()}
        assert view.withheld_gaps == (1,)
        assert view.gaps[0] == 4.0  # the analyst still has the figure

    def test_shared_dict_withholds_the_figures(self) -> None:
        result = few_answered()
        shared = result.to_dict()
        group = next(g for g in shared["groups"] if g["organisation"] == "A")
        first, second = group["questions"][:2]
        assert first == {
            "number": 1,
            "count": 1,
            "withheld": True,
            "mean": None,
            "sd": None,
            "rwg": None,
        }
        assert (second["withheld"], second["mean"]) == (False, 4.0)
        # Question 1 counts as unanswered: never met, not missing, and out of the index,
        # which is then the mean of the nine shared means.
        placement = group["placement"]
        assert (placement["rung"], placement["blocking"], placement["missing"]) == (
            "transaction",
            [1],
            [],
        )
        assert 1 not in placement["met"]
        assert placement["index"] == 100.0
        assert shared["relationships"][0]["views"]["B"]["index"] == 100.0
        gaps = shared["relationships"][0]["gaps"]
        assert gaps[0] == {"number": 1, "withheld": True, "gap": None}
        assert gaps[1] == {"number": 2, "withheld": False, "gap": 0.0}
        analyst = result.to_dict(shared=False)
        group = next(g for g in analyst["groups"] if g["organisation"] == "A")
        assert (group["questions"][0]["withheld"], group["questions"][0]["mean"]) == (True, 0.0)
        assert group["placement"]["index"] == 90.0
        assert analyst["relationships"][0]["gaps"][0] == {
            "number": 1,
            "withheld": True,
            "gap": 4.0,
        }

    def test_shared_rung_does_not_depend_on_the_answer(self) -> None:
        """Whatever the one answer to question 1, the shared rung and blocking list agree."""
        shared = []
        for answer in (0, 4):
            a_rows: list[list[float | None]] = [
                [answer, *TOP[1:]],
                [None, *TOP[1:]],
                [None, *TOP[1:]],
            ]
            result = assess(survey(records("A", "B", a_rows), records("B", "A", [TOP] * 3)))
            analyst = result.group("A", "B").placement
            assert analyst is not None
            assert analyst.rung is (T if answer == 0 else P)
            group = result.shared_view().group("A", "B")
            assert group.placement is not None
            shared.append((group.placement.rung, group.placement.blocking, group.rwg_j))
        assert shared[0] == shared[1] == (T, (1,), 1.0)

    def test_agreement_not_judged_on_few_answers(self) -> None:
        """Two of five answering 0 and 4 is no evidence of disagreement to act on or share."""
        rest: list[float | None] = list(TOP[1:])
        rows: list[list[float | None]] = [[0, *rest], [4, *rest], *[[None, *rest]] * 3]
        result = assess(survey(records("A", "internal", rows)))
        group = result.group("A")
        assert group.rwg[0] < 0.7  # the analyst still has the figure
        assert (group.divided, group.dividing) == (False, ())
        assert not [f for f in result.findings if f.kind == "low_agreement"]
        placement = result.to_dict()["groups"][0]["placement"]
        assert 1 not in placement["met"] + placement["ahead"]

    def test_no_finding_names_the_gap(self) -> None:
        """The members see the relationship differently, but the gap of 4 is not named."""
        for result in (few_answered(), few_answered().shared_view()):
            (finding,) = [f for f in result.findings if f.kind == "perception_gap"]
            assert finding.severity == "warning"
            assert finding.questions == ()
            assert "gaps of a point" not in finding.message

    def test_csv_rows_withhold_the_mean(self) -> None:
        rows = {r["organisation"]: r for r in group_rows(few_answered())}
        assert (rows["A"]["q1"], rows["A"]["q2"], rows["B"]["q1"]) == (None, 4.0, 4.0)
        assert (rows["A"]["withheld_questions"], rows["A"]["rung"]) == ("1", "transaction")
        rows = {r["organisation"]: r for r in group_rows(few_answered(), shared=False)}
        assert rows["A"]["q1"] == 0.0


class TestToDict:
    def test_small_groups_withheld_when_shared(self) -> None:
        """Shared output shows a small group's size and nothing computed from its answers."""
        responses = survey(records("A", "B", [TOP] * 2), records("B", "A", [COLLAB] * 3))
        assessment = assess(responses)
        shared = assessment.to_dict()
        group = next(g for g in shared["groups"] if g["organisation"] == "A")
        assert (group["respondents"], group["small"], group["withheld"]) == (2, True, True)
        assert group["questions"] is None
        assert group["placement"] is None
        assert group["rung_probabilities"] is None
        assert group["units"] is None
        relationship = shared["relationships"][0]
        assert all(g["gap"] is None for g in relationship["gaps"])
        assert list(relationship["views"]) == ["B"]
        assert relationship["withheld"] == ["A"]
        assert relationship["views"]["B"]["index"] == 57.5
        assert relationship["effective_rung"] == "collaboration"
        full = assessment.to_dict(shared=False)
        group = next(g for g in full["groups"] if g["organisation"] == "A")
        assert group["withheld"] is False
        assert group["questions"][0] == {
            "number": 1,
            "count": 2,
            "withheld": True,  # shared outputs withhold it
            "mean": 4.0,
            "sd": 0.0,
            "rwg": 1.0,
        }

    def test_json_has_no_nan(self) -> None:
        """JSON output is strict: undefined figures are null, never NaN."""
        responses = survey(records("A", "B", [[None] * 10, TOP, TOP]))
        text = assess(responses).to_json(shared=False)
        data = json.loads(text)
        json.dumps(data, allow_nan=False)
        assert data["schema_version"] == jw.SCHEMA_VERSION == 2

    def test_value_in_output(self) -> None:
        """The added-value test appears under its relationship."""
        values = {("A", "B"): ValueInputs([600.0, 400.0], 1200.0)}
        data = assess(pair_survey(None, TOP, TOP, None), values=values).to_dict()
        value = data["relationships"][0]["value"]
        assert (value["method"], value["verdict"], value["uplift"]) == ("point", "significant", 0.2)


@st.composite
def _surveys(draw: st.DrawFn) -> Responses:
    organisations = ["A", "B", "C"]
    n = draw(st.integers(3, 25))
    rows = draw(
        st.lists(
            st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=10, max_size=10),
            min_size=n,
            max_size=n,
        )
    )
    orgs = draw(st.lists(st.sampled_from(organisations), min_size=n, max_size=n))
    abouts = [
        draw(st.sampled_from(["internal", *[o for o in organisations if o != org]])) for org in orgs
    ]
    matrix = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    return Responses.from_arrays(matrix, organisation=orgs, about=abouts)


def _comparable(assessment: jw.Assessment) -> str:
    data = assessment.to_dict(shared=False)
    return json.dumps(data, sort_keys=True)


class TestProperties:
    @given(_surveys(), st.randoms(use_true_random=False))
    def test_row_order_changes_nothing(self, responses: Responses, random: Any) -> None:
        """Reordering the respondents gives the same assessment."""
        order = list(range(len(responses)))
        random.shuffle(order)
        shuffled = Responses.from_arrays(
            responses.answers[order],
            organisation=responses.organisation[order],
            about=responses.about[order],
            respondent=responses.respondent[order],
        )
        assert _comparable(assess(shuffled)) == _comparable(assess(responses))

    @given(_surveys())
    def test_renaming_changes_only_names(self, responses: Responses) -> None:
        """Renaming organisations renames them in the results and changes nothing else."""
        rename = {"A": "Zeta Trust", "B": "Alpha Council", "C": "Mid Homes", "internal": "internal"}
        renamed = Responses.from_arrays(
            responses.answers,
            organisation=[rename[o] for o in responses.organisation],
            about=[rename[a] for a in responses.about],
            respondent=responses.respondent,
        )
        before, after = assess(responses), assess(renamed)
        assert sorted(
            (rename[g.organisation], rename[g.about], g.rung, g.respondents) for g in before.groups
        ) == sorted((g.organisation, g.about, g.rung, g.respondents) for g in after.groups)
        assert sorted(
            (f.kind, f.severity, tuple(sorted(rename[o] for o in f.organisations)), f.questions)
            for f in before.findings
        ) == sorted(
            (f.kind, f.severity, tuple(sorted(f.organisations)), f.questions)
            for f in after.findings
        )

    @given(_surveys())
    def test_missing_never_counts_as_zero(self, responses: Responses) -> None:
        """Each group's count and mean ignore missing answers."""
        for group in assess(responses).groups:
            rows = (responses.organisation == group.organisation) & (responses.about == group.about)
            answers = responses.answers[rows]
            expected_count = (~np.isnan(answers)).sum(axis=0)
            assert group.count == tuple(int(c) for c in expected_count)
            for q, c in enumerate(expected_count):
                if c:
                    assert group.mean[q] == pytest.approx(np.nanmean(answers[:, q]))


def test_lookups_with_an_arrangement_member_who_never_answered() -> None:
    """A declared member who gave no answers is a name of its own; looking up the groups
    and relationships of everyone else still works."""
    responses = survey(
        records("A", "Alliance", [TOP] * 3),
        records("B", "Alliance", [TOP] * 3),
        records("Z", "internal", [COLLAB] * 3),
        records("Z", "A", [COLLAB] * 3),
    )
    result = assess(responses, arrangements={"Alliance": ["A", "B", "C0"]})
    assert result.group("Z").rung is C
    assert result.group("Z", "A").organisation == "Z"
    assert result.relationship("A", "Z").one_sided
    alliance = result.relationship("Alliance")
    assert alliance.silent == ("C0",)
    assert alliance.members == ("A", "B", "C0")


def test_relationships_that_share_a_subject_keep_their_own_latest_wave() -> None:
    """ "X" with "Y and Z" and "X and Y" with "Z" are both "X and Y and Z": each still has
    its own latest wave, and earlier waves raise no findings."""
    groups = [
        records(org, about, [TOP] * 3, wave=wave)
        for org, about in (("X", "Y and Z"), ("X and Y", "Z"))
        for wave in ("2024", "2025")
    ]
    result = assess(survey(*groups))
    one_sided = [f for f in result.findings if f.kind == "one_sided"]
    assert sorted((f.organisations, f.wave) for f in one_sided) == [
        (("Y and Z",), "2025"),
        (("Z",), "2025"),
    ]
    assert result.relationship("X", "Y and Z").wave == "2025"
