import datetime as dt

from archive.timeline.items import Item, grouped, ordered


def item(slug, day, precision="day", type_="event", kind="outbreak"):
    return Item(type=type_, slug=slug, title=slug, url=f"/{slug}/", date=day, precision=precision,
                kind=kind if type_ == "event" else "article")


def test_it_puts_a_month_item_after_the_days_of_its_month_not_on_the_first():
    items = [
        item("august", dt.date(2001, 8, 1), "month"),
        item("aug-4", dt.date(2001, 8, 4)),
        item("aug-1", dt.date(2001, 8, 1)),
        item("aug-31", dt.date(2001, 8, 31)),
        item("sep-1", dt.date(2001, 9, 1)),
    ]
    assert [i.slug for i in ordered(items)] == ["aug-1", "aug-4", "aug-31", "august", "sep-1"]


def test_it_puts_a_year_item_after_every_month_of_its_year():
    items = [
        item("y2001", dt.date(2001, 1, 1), "year"),
        item("dec", dt.date(2001, 12, 1), "month"),
        item("jan-1", dt.date(2001, 1, 1)),
        item("next-jan", dt.date(2002, 1, 1)),
    ]
    assert [i.slug for i in ordered(items)] == ["jan-1", "dec", "y2001", "next-jan"]


def test_it_orders_one_day_by_an_incidents_life_and_articles_last():
    day = dt.date(2001, 6, 18)
    items = [
        item("report", day, type_="article"),
        item("patch", day, kind="patch"),
        item("advisory", day, kind="advisory"),
        item("disclosure", day, kind="disclosure"),
    ]
    assert [i.slug for i in ordered(items)] == ["disclosure", "advisory", "patch", "report"]


def test_it_groups_by_year_and_month_with_sometime_groups_for_imprecise_items():
    items = [
        item("aug-4", dt.date(2001, 8, 4)),
        item("august", dt.date(2001, 8, 1), "month"),
        item("y2001", dt.date(2001, 1, 1), "year"),
        item("jan-2002", dt.date(2002, 1, 5)),
    ]
    years = grouped(items)
    assert [year for year, _ in years] == [2001, 2002]
    labels = [(group.label, [i.slug for i in group.items]) for group in years[0][1]]
    assert labels == [("August 2001", ["aug-4", "august"]), ("Sometime in 2001", ["y2001"])]
    assert years[1][1][0].label == "January 2002"


def test_it_displays_each_date_to_its_precision():
    assert item("a", dt.date(2001, 8, 1), "month").display_date() == "August 2001"
    assert item("b", dt.date(2001, 1, 1), "year").display_date() == "2001"
    assert item("c", dt.date(2001, 7, 19)).display_date() == "19 July 2001"
