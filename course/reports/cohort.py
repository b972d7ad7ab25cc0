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

import pandas as pd
from peer_course.reports import item_stats
from peer_course.reports.data import SUPERVISOR_PREFIX, CohortData, knowledge_items
from peer_widgets.translations import SOURCE_LANGUAGE

SUPPORT_SCORE = 0.6
SUPPORT_GAP = 1.0

TABLES = ("learners", "learner_categories", "cohort_profile", "self_vs_supervisor", "item_stats",
          "scale_alpha", "free_text", "coverage")


def _categories() -> pd.DataFrame:
    from peer_widgets.categories import categories

    return pd.DataFrame([{"category": c.id, "category_name": c.label, "order": i}
                         for i, c in enumerate(categories())])


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator.div(denominator.where(denominator > 0))


def learner_categories(data: CohortData, learners: list[str]) -> pd.DataFrame:
    cats = _categories()
    knowledge = knowledge_items(data.items)[["assessment", "item", "category"]]
    scored = data.scores.merge(knowledge, on=["assessment", "item"])
    scored = scored[scored["student"].isin(learners)]
    points = scored.groupby(["student", "category"], as_index=False)[["score", "max_score"]].sum()
    totals = data.items.groupby("category").size().rename("items").reset_index()
    answered = (data.responses[data.responses["student"].isin(learners)]
                .merge(data.items[["assessment", "item", "category"]], on=["assessment", "item"])
                .groupby(["student", "category"]).size().rename("answered").reset_index())
    grid = pd.MultiIndex.from_product([learners, cats["category"]], names=["student", "category"]).to_frame(index=False)
    table = (grid.merge(cats, on="category").merge(points, on=["student", "category"], how="left")
             .merge(answered, on=["student", "category"], how="left").merge(totals, on="category", how="left"))
    table[["score", "max_score", "answered", "items"]] = table[["score", "max_score", "answered", "items"]].fillna(0)
    table["score_pct"] = _ratio(table["score"], table["max_score"])
    table["completion"] = _ratio(table["answered"], table["items"])
    table = table.sort_values(["student", "order"]).drop(columns="order").reset_index(drop=True)
    return table[["student", "category", "category_name", "score", "max_score", "score_pct", "answered", "items",
                  "completion"]]


def _numeric_ratings(data: CohortData) -> pd.DataFrame:
    ratings = data.responses.dropna(subset=["rating"]).merge(
        data.items[data.items["scale"].notna()][["assessment", "item", "category", "scale"]],
        on=["assessment", "item"])
    values = {(scale, level): value for scale, levels in item_stats.RATING_VALUES.items()
              for level, value in levels.items()}
    ratings["value"] = [values.get((s, r), float("nan")) for s, r in zip(ratings["scale"], ratings["rating"])]
    supervisor = ratings["student"].str.startswith(SUPERVISOR_PREFIX)
    ratings["rater"] = supervisor.map({True: "supervisor", False: "self"})
    ratings["peer"] = ratings["student"].where(~supervisor, ratings["student"].str[len(SUPERVISOR_PREFIX):])
    return ratings


def self_vs_supervisor(ratings: pd.DataFrame, learners: list[str]) -> pd.DataFrame:
    cats = _categories()
    # Compare like with like: only the forms (assessments) the peer's supervisor also filled in.
    rated = ratings[ratings["rater"] == "supervisor"][["peer", "assessment"]].drop_duplicates()
    both = ratings[ratings["peer"].isin(learners)].merge(rated, on=["peer", "assessment"])
    means = (both.dropna(subset=["value"])
             .groupby(["peer", "category", "rater"])["value"].mean().unstack("rater"))
    means = means.reindex(columns=["self", "supervisor"]).reset_index().rename(
        columns={"peer": "student", "self": "self_mean", "supervisor": "supervisor_mean"})
    means["gap"] = means["self_mean"] - means["supervisor_mean"]
    table = means.merge(cats, on="category").sort_values(["student", "order"]).reset_index(drop=True)
    return table[["student", "category", "category_name", "self_mean", "supervisor_mean", "gap"]]


#: The version of an item a learner left unanswered is not recorded.
UNRECORDED = "not answered"


def item_table(data: CohortData, learners: list[str]) -> pd.DataFrame:
    """Item statistics per item and per version (variant) the learners answered:
    a version that works differently from its twin shows up on its own row."""
    knowledge = knowledge_items(data.items)
    scores = data.scores[data.scores["student"].isin(learners)]
    answered = data.responses[["student", "assessment", "item", "variant", "language"]]
    scores = scores.merge(answered, on=["student", "assessment", "item"], how="left")
    single = scores["item"].map(dict(zip(knowledge["item"], knowledge["versions"]))).fillna(1) <= 1
    scores["variant"] = scores["variant"].where(scores["variant"].notna(), single.map({True: "v1", False: UNRECORDED}))
    # An unanswered item has no language; it counts with the learner's own.
    chosen = data.submissions.set_index(["student", "assessment"])["language"]
    fallback = pd.Series([chosen.get((s, a), SOURCE_LANGUAGE) for s, a in zip(scores["student"], scores["assessment"])],
                         index=scores.index, dtype=object)
    scores["language"] = scores["language"].where(scores["language"].notna(), fallback)
    frames = []
    for name, bank in knowledge.groupby("assessment", sort=False):
        rows = scores[(scores["assessment"] == name) & scores["item"].isin(bank["item"])]
        if rows.empty:
            continue
        # One column per item version: a learner has a score in exactly one
        # version of each item, so the rest-of-test score is still their total.
        # One column per item version and language: a learner has a score in
        # exactly one of each item's columns, so the rest-of-test score is still
        # their total, and a translation that works differently shows up.
        rows = rows.assign(column=rows["item"] + " " + rows["variant"] + " " + rows["language"])
        wide = rows.pivot_table(index="student", columns="column", values="score", aggfunc="sum")
        order = {item: place for place, item in enumerate(bank["item"])}
        labels = rows.drop_duplicates("column").set_index("column")[["item", "variant", "language"]]
        columns = sorted(wide.columns, key=lambda c: (order[labels.at[c, "item"]], labels.at[c, "variant"],
                                                      labels.at[c, "language"]))
        points = dict(zip(bank["item"], bank["points"]))
        stats = item_stats.item_statistics(wide[columns], {c: points[labels.at[c, "item"]] for c in columns})
        stats = stats.rename(columns={"item": "column"}).merge(labels, left_on="column", right_index=True)
        frames.append(stats.merge(bank[["item", "assessment", "type", "category"]], on="item"))
    columns = ["assessment", "item", "variant", "language", "type", "category", "n", "max_points", "facility",
               "discrimination", "review"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def alpha_table(ratings: pd.DataFrame, learners: list[str]) -> pd.DataFrame:
    own = ratings[(ratings["rater"] == "self") & ratings["peer"].isin(learners)]
    rows = []
    for name, group in own.groupby("assessment", sort=False):
        wide = group.pivot_table(index="student", columns="item", values="value", aggfunc="first")
        scopes = [("all", list(wide.columns))]
        for category, cat_items in group.groupby("category", sort=False)["item"]:
            items = sorted(set(cat_items))
            if len(items) >= 2:
                scopes.append((category, items))
        for scope, items in scopes:
            alpha, n = item_stats.cronbach_alpha(wide.reindex(columns=items))
            review = f"alpha below {item_stats.LOW_ALPHA:g}" if alpha == alpha and alpha < item_stats.LOW_ALPHA else ""
            rows.append({"assessment": name, "scale": scope, "items": len(items), "learners": n, "alpha": alpha,
                         "review": review})
    return pd.DataFrame(rows, columns=["assessment", "scale", "items", "learners", "alpha", "review"])


def support_reasons(categories: pd.DataFrame, gaps: pd.DataFrame) -> pd.Series:
    low = categories[categories["score_pct"] < SUPPORT_SCORE]
    reasons = ("low score in " + low["category_name"] + " (" + (low["score_pct"] * 100).round().astype(int).astype(str)
               + "%)")
    high = gaps[gaps["gap"] >= SUPPORT_GAP]
    reasons_gap = ("self-rating " + high["gap"].round(1).astype(str) + " above supervisor in " + high["category_name"])
    both = pd.concat([pd.DataFrame({"student": low["student"], "reason": reasons}),
                      pd.DataFrame({"student": high["student"], "reason": reasons_gap})])
    return both.groupby("student", sort=False)["reason"].agg("; ".join)


def build_report(data: CohortData) -> dict[str, pd.DataFrame]:
    """Every table of the report, keyed by name (see ``TABLES``)."""
    everyone = set(data.learners["student"]) | set(data.submissions["student"])
    learners = sorted(s for s in everyone if not s.startswith(SUPERVISOR_PREFIX))
    categories = learner_categories(data, learners)
    ratings = _numeric_ratings(data)
    gaps = self_vs_supervisor(ratings, learners)
    reasons = support_reasons(categories, gaps)
    subs = data.submissions[data.submissions["student"].isin(learners)]
    summary = pd.DataFrame({"student": pd.Series(learners, dtype=object)}).merge(data.learners, on="student", how="left").fillna("")
    counts = subs.groupby("student").size().rename("assessments_submitted")
    # The language(s) each learner worked in, as they last chose it per assessment.
    languages = subs.groupby("student")["language"].agg(lambda used: ", ".join(sorted(set(used)))).rename("language")
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
    text = data.responses[data.responses["comment"].fillna("").str.strip().ne("")
                          | data.responses["text"].fillna("").str.strip().ne("")]
    free_text = pd.DataFrame({
        "student": text["student"], "assessment": text["assessment"], "item": text["item"],
        "kind": text["text"].notna().map({True: "shared reflection", False: "rating comment"}),
        "text": text["text"].fillna(text["comment"])}).reset_index(drop=True)
    return {"learners": summary, "learner_categories": categories, "cohort_profile": profile,
            "self_vs_supervisor": gaps, "item_stats": item_table(data, learners),
            "scale_alpha": alpha_table(ratings, learners), "free_text": free_text,
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

