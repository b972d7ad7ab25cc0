"""The cohort report: where each peer and the whole cohort stand on the 12
competency categories, self- versus supervisor ratings, who may need
support, and which items are not doing their job.

Definitions (the report's "About these numbers" section repeats them):

* **Category score** of a learner: points earned over points possible on
  the *knowledge* items (single choice, multiple select, matching) of that
  category, over the assessments the learner submitted. Ratings and
  reflections count for completion only, as in grading.
* **Completion** of a learner in a category: the share of all the course's
  items in that category (every type, every assessment) with a saved answer.
* **Self versus supervisor**: per category, the mean of the numeric ratings
  (Advanced 3, Proficient 2, Developing 1; Not Enough Information and Not
  Applicable left out) that the peer gave themselves and that their
  supervisor gave them (student id ``supervisor--<peer id>``), on the forms
  the supervisor filled in (the self-assessment); gap = self - supervisor.
* **May need support**: a peer is flagged when a category score is below
  ``SUPPORT_SCORE`` (60%), or their self-rating is at least ``SUPPORT_GAP``
  (one whole level) above their supervisor's in a category. The reasons are
  listed with each flag.
* **Item statistics** and **Cronbach's alpha**: see :mod:`peer_course.reports.item_stats`.
  Alpha is computed on the learners' self-ratings for each assessment's
  ratings in each category with at least two rating items, and for all of
  an assessment's ratings together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from peer_course.reports import item_stats
from peer_course.reports.data import SUPERVISOR_PREFIX, CohortData, keyed, knowledge_items
from peer_widgets.translations import SOURCE_LANGUAGE

SUPPORT_SCORE = 0.6
SUPPORT_GAP = 1.0

TABLES = ("learners", "learner_categories", "cohort_profile", "self_vs_supervisor", "item_stats",
          "scale_alpha", "free_text", "coverage")

#: The version of an item a learner left unanswered is not recorded.
UNRECORDED = "not answered"


def _categories() -> pd.DataFrame:
    from peer_widgets.categories import categories

    return pd.DataFrame([{"category": c.id, "category_name": c.label, "order": i}
                         for i, c in enumerate(categories())])


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator.div(denominator.where(denominator > 0))


# The score and answer tables have a row per learner and item: millions for a
# large cohort. Each of their key columns is turned into integer codes once
# (looking each distinct value up once), and every table below filters,
# groups and joins those rows on the codes rather than on strings.

def _factorize(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` (-1 for a missing value) on plain NumPy values: a third faster
    than on a string column."""
    return pd.factorize(np.asarray(values))


def _lookup(values: pd.Series | np.ndarray, codes: np.ndarray, missing: object = -1) -> np.ndarray:
    """``values[code]`` for each code, ``missing`` for the code -1."""
    return np.append(np.asarray(values), missing)[codes]


def _codes(values: pd.Series, labels: pd.Index) -> np.ndarray:
    """The position of each value in ``labels`` (unique), -1 where it is not there or missing."""
    codes, distinct = _factorize(values)
    return _lookup(labels.get_indexer(distinct), codes)


def _item_codes(frame: pd.DataFrame, items: pd.DataFrame) -> np.ndarray:
    """The position of each row's (assessment, item) in ``items``, -1 if it is none
    of them (an item id is unique within its assessment's bank)."""
    assessment, assessments = _factorize(frame["assessment"])
    item, ids = _factorize(frame["item"])
    known = pd.MultiIndex.from_frame(items[["assessment", "item"]]).get_indexer(
        pd.MultiIndex.from_product([assessments, ids]))
    # an extra last row and column of -1 for the -1 codes of missing values
    table = np.full((len(assessments) + 1, len(ids) + 1), -1)
    table[:-1, :-1] = known.reshape(len(assessments), len(ids))
    return table[assessment, item]


@dataclass(frozen=True)
class Keys:
    """A score or answer table's keys as codes: ``learner``, the position of the
    row's student among the report's learners (-1: a supervisor, or no
    learner), and ``item``, the position of its (assessment, item) in the
    items table (-1: not an item of the course)."""

    learner: np.ndarray
    item: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, items: pd.DataFrame, learners: pd.Index) -> "Keys":
        return cls(_codes(frame["student"], learners), _item_codes(frame, items))


def learner_categories(data: CohortData, learners: pd.Index, scores: Keys, responses: Keys) -> pd.DataFrame:
    cats = _categories()
    category, category_ids = pd.factorize(data.items["category"])
    # One code per learner and category: learner * len(category_ids) + category.
    scored = (scores.learner >= 0) & _lookup(keyed(data.items).to_numpy(), scores.item, False)
    scored &= _lookup(category, scores.item) >= 0
    group = scores.learner[scored] * len(category_ids) + category[scores.item[scored]]
    # pandas' compensated sums, over the rows in their order, as grouping by the ids gives
    points = data.scores.loc[scored, ["score", "max_score"]].groupby(group).sum()
    counted = (responses.learner >= 0) & (_lookup(category, responses.item) >= 0)
    counts = np.bincount(responses.learner[counted] * len(category_ids) + category[responses.item[counted]],
                         minlength=len(learners) * len(category_ids))
    answered = pd.DataFrame({"answered": counts[counts > 0]}, index=np.flatnonzero(counts > 0))
    points, answered = (_by_learner_and_category(grouped, learners, category_ids) for grouped in (points, answered))
    totals = data.items.groupby("category").size().rename("items").reset_index()
    grid = pd.MultiIndex.from_product([learners, cats["category"]], names=["student", "category"]).to_frame(index=False)
    table = (grid.merge(cats, on="category").merge(points, on=["student", "category"], how="left")
             .merge(answered, on=["student", "category"], how="left").merge(totals, on="category", how="left"))
    table[["score", "max_score", "answered", "items"]] = table[["score", "max_score", "answered", "items"]].fillna(0)
    table["score_pct"] = _ratio(table["score"], table["max_score"])
    table["completion"] = _ratio(table["answered"], table["items"])
    table = table.sort_values(["student", "order"]).drop(columns="order").reset_index(drop=True)
    return table[["student", "category", "category_name", "score", "max_score", "score_pct", "answered", "items",
                  "completion"]]


def _by_learner_and_category(grouped: pd.DataFrame, learners: pd.Index, category_ids: pd.Index) -> pd.DataFrame:
    """A table indexed by learner-and-category codes, with the learner's and the category's ids."""
    learner, category = np.divmod(grouped.index.to_numpy(), len(category_ids))
    return grouped.reset_index(drop=True).assign(student=learners[learner], category=category_ids[category])


def _numeric_ratings(data: CohortData, learners: pd.Index, responses: Keys) -> pd.DataFrame:
    """One row per rating of a rating-scale item, in the answers' order: ``item``
    (its code), ``value`` (NaN for a level with no value), ``supervisor`` (given
    by the peer's supervisor) and ``peer``, the rated peer's learner code (-1:
    not a learner)."""
    rated = data.responses["rating"].notna().to_numpy() & _lookup(data.items["scale"].notna(), responses.item, False)
    item = responses.item[rated]
    level, levels = pd.factorize(data.responses["rating"].to_numpy()[rated])
    scale, scales = pd.factorize(data.items["scale"])
    value = np.array([[item_stats.RATING_VALUES.get(s, {}).get(l, np.nan) for l in levels] for s in scales])
    student, students = _factorize(data.responses["student"].to_numpy()[rated])
    students = pd.Index(students)
    supervisor = students.str.startswith(SUPERVISOR_PREFIX)
    peers = students.where(~supervisor, students.str[len(SUPERVISOR_PREFIX):])
    return pd.DataFrame({"item": item, "value": value.reshape(len(scales), len(levels))[scale[item], level],
                         "supervisor": supervisor[student], "peer": learners.get_indexer(peers)[student]})


def self_vs_supervisor(ratings: pd.DataFrame, items: pd.DataFrame, learners: pd.Index) -> pd.DataFrame:
    cats = _categories()
    assessment, assessments = pd.factorize(items["assessment"])
    category, category_ids = pd.factorize(items["category"], sort=True)
    # Compare like with like: only the forms (assessments) the peer's supervisor also filled in.
    form = ratings["peer"].to_numpy() * len(assessments) + assessment[ratings["item"]]
    rated = np.unique(form[ratings["supervisor"].to_numpy()])
    ratings = ratings.assign(category=category[ratings["item"]])
    both = ratings[(ratings["peer"] >= 0) & np.isin(form, rated) & ratings["value"].notna() & (ratings["category"] >= 0)]
    # Codes in the ids' sort order, so the groups come in the order grouping the ids would give.
    means = both.groupby(["peer", "category", "supervisor"], as_index=False)["value"].mean()
    means = pd.DataFrame({"peer": learners[means["peer"]], "category": category_ids[means["category"]],
                          "rater": np.where(means["supervisor"], "supervisor", "self"), "value": means["value"]})
    means = means.set_index(["peer", "category", "rater"])["value"].unstack("rater")
    means = means.reindex(columns=["self", "supervisor"]).reset_index().rename(
        columns={"peer": "student", "self": "self_mean", "supervisor": "supervisor_mean"})
    means["gap"] = means["self_mean"] - means["supervisor_mean"]
    table = means.merge(cats, on="category").sort_values(["student", "order"]).reset_index(drop=True)
    return table[["student", "category", "category_name", "self_mean", "supervisor_mean", "gap"]]


def _answer_rows(responses: Keys, learners: int, items: int) -> np.ndarray:
    """``rows[learner, item]``: the row of the learner's answer to the item (-1: none);
    a learner has at most one answer per item (one answers file per submission).
    A learners-by-items table: 17 MB for 10,000 learners and the whole course."""
    rows = np.full((learners, items), -1, dtype=np.int32)
    mine = (responses.learner >= 0) & (responses.item >= 0)
    rows[responses.learner[mine], responses.item[mine]] = np.flatnonzero(mine)
    return rows


def _shared_codes(columns: list[np.ndarray], extra: list[str]) -> tuple[list[np.ndarray], pd.Index]:
    """Each column's values as positions in one list of labels that also holds
    ``extra`` (-1 for a missing value)."""
    factorized = [_factorize(column) for column in columns]
    labels = pd.Index(extra).append([pd.Index(distinct) for _, distinct in factorized]).unique()
    return [_lookup(labels.get_indexer(distinct), codes) for codes, distinct in factorized], labels


def _versions(data: CohortData, learners: pd.Index, learner: np.ndarray, item: np.ndarray,
              answer: np.ndarray) -> tuple[np.ndarray, pd.Index, np.ndarray, pd.Index]:
    """The version (variant) and language of each score (codes and their labels),
    from the learner's answer (its row in ``answer``, -1: none). The version of
    an unanswered item is its only one, or ``UNRECORDED``; an unanswered item
    counts in the language its learner chose for the assessment (the course's
    source language if they never submitted it)."""
    items, answered = data.items, answer >= 0
    knowledge = knowledge_items(items)
    single = (items["item"].map(dict(zip(knowledge["item"], knowledge["versions"]))).fillna(1) <= 1).to_numpy()
    (given,), variants = _shared_codes([data.responses["variant"].to_numpy()[answer[answered]]], ["v1", UNRECORDED])
    variant = np.where(single[item], 0, 1)  # the positions of "v1" and UNRECORDED in variants
    variant[answered] = np.where(given >= 0, given, variant[answered])
    (given, chosen), languages = _shared_codes(
        [data.responses["language"].to_numpy()[answer[answered]], data.submissions["language"]], [SOURCE_LANGUAGE])
    assessment, assessments = pd.factorize(items["assessment"])
    submitted = np.zeros((len(learners), len(assessments)), dtype=int)  # the position of SOURCE_LANGUAGE
    mine = _codes(data.submissions["student"], learners)
    form = _codes(data.submissions["assessment"], pd.Index(assessments))
    known = (mine >= 0) & (form >= 0)
    submitted[mine[known], form[known]] = chosen[known]
    language = submitted[learner, assessment[item]]
    language[answered] = np.where(given >= 0, given, language[answered])
    return variant, variants, language, languages


def item_table(data: CohortData, learners: pd.Index, scores: Keys, responses: Keys) -> pd.DataFrame:
    """Item statistics per item and per version (variant) the learners answered:
    a version that works differently from its twin shows up on its own row."""
    items = data.items
    kept = (scores.learner >= 0) & _lookup(keyed(items).to_numpy(), scores.item, False)
    learner, item, score = scores.learner[kept], scores.item[kept], data.scores["score"].to_numpy()[kept]
    answer = _answer_rows(responses, len(learners), len(items))[learner, item]
    variant, variants, language, languages = _versions(data, learners, learner, item, answer)
    # A score whose language is missing has no column (as a missing key has no group).
    known = language >= 0
    if not known.all():  # almost never: the filter copies millions of rows
        learner, item, score, variant, language = (a[known] for a in (learner, item, score, variant, language))
    # One column per item, version and language: a learner has a score in exactly
    # one of each item's columns, so the rest-of-test score is still their
    # total, and a translation that works differently shows up.
    column, keys = pd.factorize((item * len(variants) + variant) * len(languages) + language)
    columns = pd.DataFrame({"code": keys // (len(variants) * len(languages)),
                            "variant": variants[keys // len(languages) % len(variants)],
                            "language": languages[keys % len(languages)]})
    columns = pd.concat([columns.reset_index(names="column"),
                         items.iloc[columns["code"]][["assessment", "item", "type", "category", "points"]]
                         .reset_index(drop=True)], axis=1)
    frames = []
    for name in pd.unique(knowledge_items(items)["assessment"]):
        bank = columns[columns["assessment"] == name].sort_values(["code", "variant", "language"])
        if bank.empty:
            continue
        wide = _wide(learner, column, score, bank["column"].to_numpy(), len(learners))
        stats = item_stats.item_statistics(wide, dict(zip(wide.columns, bank["points"])))
        frames.append(pd.concat([bank.drop(columns=["column", "code", "points"]).reset_index(drop=True),
                                 stats.drop(columns="item")], axis=1))
    columns = ["assessment", "item", "variant", "language", "type", "category", "n", "max_points", "facility",
               "discrimination", "review"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def _wide(learner: np.ndarray, column: np.ndarray, score: np.ndarray, columns: np.ndarray,
          learners: int) -> pd.DataFrame:
    """Learners by ``columns`` (column codes, in that order): the sum of each learner's
    scores in the column, NaN where they have none."""
    place = np.full(column.max(initial=-1) + 1, -1)
    place[columns] = np.arange(len(columns))
    mine = place[column] >= 0
    cell = learner[mine] * len(columns) + place[column[mine]]
    size = learners * len(columns)
    total = np.bincount(cell, weights=score[mine], minlength=size)
    given = np.bincount(cell, minlength=size) > 0
    return pd.DataFrame(np.where(given, total, np.nan).reshape(learners, len(columns)))


def alpha_table(ratings: pd.DataFrame, items: pd.DataFrame, learners: pd.Index) -> pd.DataFrame:
    own = ratings[~ratings["supervisor"] & (ratings["peer"] >= 0)]
    assessment, assessments = pd.factorize(items["assessment"])
    form = assessment[own["item"]]
    ids, category = items["item"].to_numpy(), items["category"].to_numpy()
    rows = []
    for code in pd.unique(form):
        group = own[form == code]
        wide = (group.dropna(subset=["value"]).drop_duplicates(["peer", "item"])  # each learner's first rating
                .pivot(index="peer", columns="item", values="value"))
        wide = wide.set_axis(learners[wide.index]).set_axis(ids[wide.columns], axis=1)
        scopes = [("all", sorted(wide.columns))]
        # The group's items in the order they first appear, so the categories are too.
        present = pd.unique(group["item"])
        for scope in pd.unique(category[present][pd.notna(category[present])]):
            scoped = sorted(set(ids[present[category[present] == scope]]))
            if len(scoped) >= 2:
                scopes.append((scope, scoped))
        for scope, scoped in scopes:
            alpha, n = item_stats.cronbach_alpha(wide.reindex(columns=scoped))
            review = f"alpha below {item_stats.LOW_ALPHA:g}" if alpha == alpha and alpha < item_stats.LOW_ALPHA else ""
            rows.append({"assessment": assessments[code], "scale": scope, "items": len(scoped), "learners": n,
                         "alpha": alpha, "review": review})
    return pd.DataFrame(rows, columns=["assessment", "scale", "items", "learners", "alpha", "review"])


def _joined(values: pd.Series, by: pd.Series, separator: str) -> pd.Series:
    """Each group's values joined by ``separator``, in order: summed as strings,
    as a Python join per group is slow for thousands of learners."""
    return (separator + values).groupby(by, sort=False).sum().str[len(separator):]


def support_reasons(categories: pd.DataFrame, gaps: pd.DataFrame) -> pd.Series:
    low = categories[categories["score_pct"] < SUPPORT_SCORE]
    reasons = ("low score in " + low["category_name"] + " (" + (low["score_pct"] * 100).round().astype(int).astype(str)
               + "%)")
    high = gaps[gaps["gap"] >= SUPPORT_GAP]
    reasons_gap = ("self-rating " + high["gap"].round(1).astype(str) + " above supervisor in " + high["category_name"])
    both = pd.concat([pd.DataFrame({"student": low["student"], "reason": reasons}),
                      pd.DataFrame({"student": high["student"], "reason": reasons_gap})])
    return _joined(both["reason"], both["student"], "; ")


def free_text(responses: pd.DataFrame) -> pd.DataFrame:
    # Only the few rows with a comment or a text are stripped.
    written = responses[responses["comment"].notna() | responses["text"].notna()]
    text = written[written["comment"].fillna("").str.strip().ne("") | written["text"].fillna("").str.strip().ne("")]
    return pd.DataFrame({
        "student": text["student"], "assessment": text["assessment"], "item": text["item"],
        "kind": text["text"].notna().map({True: "shared reflection", False: "rating comment"}),
        "text": text["text"].fillna(text["comment"])}).reset_index(drop=True)


def build_report(data: CohortData) -> dict[str, pd.DataFrame]:
    """Every table of the report, keyed by name (see ``TABLES``)."""
    everyone = set(data.learners["student"]) | set(data.submissions["student"])
    learners = pd.Index(sorted(s for s in everyone if not s.startswith(SUPERVISOR_PREFIX)))
    scores, responses = Keys.of(data.scores, data.items, learners), Keys.of(data.responses, data.items, learners)
    categories = learner_categories(data, learners, scores, responses)
    ratings = _numeric_ratings(data, learners, responses)
    gaps = self_vs_supervisor(ratings, data.items, learners)
    reasons = support_reasons(categories, gaps)
    subs = data.submissions[data.submissions["student"].isin(learners)]
    summary = pd.DataFrame({"student": pd.Series(learners, dtype=object)}).merge(data.learners, on="student", how="left").fillna("")
    counts = subs.groupby("student").size().rename("assessments_submitted")
    # The language(s) each learner worked in, as they last chose it per assessment.
    used = subs[["student", "language"]].drop_duplicates().sort_values(["student", "language"])
    languages = _joined(used["language"], used["student"], ", ").rename("language")
    totals = categories.groupby("student")[["score", "max_score", "answered", "items"]].sum()
    summary = summary.merge(counts, on="student", how="left").merge(languages, on="student", how="left")
    summary = summary.merge(totals, on="student", how="left")
    summary["language"] = summary["language"].fillna("")
    summary["assessments_submitted"] = summary["assessments_submitted"].fillna(0).astype(int)
    summary["score_pct"] = _ratio(summary["score"], summary["max_score"])
    summary["completion"] = _ratio(summary["answered"], summary["items"])
    summary["support_reasons"] = summary["student"].map(reasons).fillna("")
    summary["needs_support"] = summary["support_reasons"] != ""
    summary = summary.drop(columns=["answered", "items"])
    profile = (categories.groupby(["category", "category_name"], sort=False)
               .agg(learners=("score_pct", "count"), mean_score_pct=("score_pct", "mean"),
                    median_score_pct=("score_pct", "median"), mean_completion=("completion", "mean"))
               .reset_index())
    gap_profile = gaps.groupby("category")[["self_mean", "supervisor_mean"]].mean()
    profile = profile.merge(gap_profile, on="category", how="left")
    return {"learners": summary, "learner_categories": categories, "cohort_profile": profile,
            "self_vs_supervisor": gaps, "item_stats": item_table(data, learners, scores, responses),
            "scale_alpha": alpha_table(ratings, data.items, learners), "free_text": free_text(data.responses),
            "coverage": coverage_table()}


def coverage_table() -> pd.DataFrame:
    """The course's coverage of each certification framework, from the items' tags
    (the same numbers as the learners' crosswalk page)."""
    from peer_widgets.coverage import MIN_GRADED, coverage

    rows = [{"framework": row.framework.name, "competency": row.entry.name,
             "modules": ", ".join(str(m.number) for m in row.modules), "graded_items": row.graded,
             "lesson_items": row.lesson, "review": "" if row.enough else f"fewer than {MIN_GRADED} graded items"}
            for row in coverage()]
    return pd.DataFrame(rows, columns=["framework", "competency", "modules", "graded_items", "lesson_items", "review"])

