"""Status cells and status phrases in prose, with the wordings seen in the corpus."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.grammar.statuses import status_in_prose, status_of
from pipeline.vocab import status_forms
from schemas.enums import Status

DONE, PROG, NOT, PART = Status.DONE, Status.IN_PROGRESS, Status.NOT_DONE, Status.PARTIALLY_DONE


@pytest.mark.parametrize(("text", "expected"), [
    ("исполнено", DONE),
    ("Исполнено.", DONE),
    ("Исполнено.\n\nЗанятия в профильных классах проводятся в еженедельном формате", DONE),
    ("исполнено\n\nисполнено", DONE),
    ("Выполнено", DONE),
    ("выполнено\n\nИнформация размещена на официальном сайте управления образования.", DONE),
    ("Не исполнено (территория Асбестовского городского округа не вошла в выборку)", NOT),
    ("не исполнено (по причине длительной вакансии специалиста)", NOT),
    ("частично исполнено\n\nИнформация размещена", PART),
    ("Исполнено частично", PART),
    ("Частично выполнено", PART),
    ("выполнено\n% частично", PART),
    ("в реализации", PROG),
    ("В реализации", PROG),
    ("в работе", PROG),
    ("Работа продолжается", PROG),
    ("Перенесено", Status.POSTPONED),
    ("Отменено", Status.CANCELLED),
    ("отменено", Status.CANCELLED),
    ("Мероприятие исключено из дорожной карты", Status.CANCELLED),
    ("контрольное событие наступило", DONE),
    ("контрольное событие не наступило", NOT),
    ("- исполнено", DONE),
    ("—", Status.UNKNOWN),
    ("нет данных", Status.UNKNOWN),
    ("Информация размещена на сайте", None),
    ("Да", None),
    ("", None),
    ("   ", None),
    (None, None),
])
def test_status_of(text: str | None, expected: Status | None) -> None:
    assert status_of(text) == expected


@pytest.mark.parametrize(("text", "expected", "raw"), [
    ("Целевой показатель достигнут. Аттестация руководящих работников в 2020 году проведена.",
     DONE, "Целевой показатель достигнут"),
    ("Целевой показатель достигнут: по итогам 2022 года значение показателя составило 37 %.",
     DONE, "Целевой показатель достигнут"),
    ("Целевой показатель не достигнут. Фактическое значение – 51%.",
     NOT, "Целевой показатель не достигнут"),
    ("показатель не достигнут", NOT, "показатель не достигнут"),
    ("Целевой показатель достигнут частично: фактическое значение – 2 пункта.",
     PART, "Целевой показатель достигнут частично"),
    ("выполнен частично", PART, "выполнен частично"),
    ("Мероприятие исполнено не в полном объеме", PART, "Мероприятие исполнено не в полном объеме"),
    ("Показатель в работе: по итогам года фактическое значение – 49%.", PROG,
     "Показатель в работе"),
    ("Мероприятие «Заключение договоров» в центре «Учитель будущего» исполнено.", DONE,
     "исполнено"),
    ("Срок реализации перенесен на 2023 год", Status.POSTPONED, "Срок реализации перенесен"),
    ("Мероприятие не исполнено в связи с отсутствием финансирования", NOT,
     "Мероприятие не исполнено"),
])
def test_status_in_prose(text: str, expected: Status, raw: str) -> None:
    assert status_in_prose(text) == (expected, raw)


@pytest.mark.parametrize("text", [
    "В работе портала принимает участие не менее 5 % педагогических работников",
    "Аттестация руководящих работников в 2020 году проведена в полном объеме.",
    "Внедрение новых видев аттестации запланировано на 2021 год.",
    "Методической службой проведено 3 семинара",
    "Финансовое обеспечение будет выполнено в полном объеме",
    "",
    None,
])
def test_no_status_in_plain_prose(text: str | None) -> None:
    assert status_in_prose(text) is None


cell_forms = [f for f in status_forms() if any(c.isalpha() for c in f.form)]


@given(st.sampled_from(cell_forms), st.sampled_from([str.upper, str.capitalize, str.lower]))
def test_every_vocab_form_maps_to_its_status_in_any_case(form: object, case: object) -> None:
    text = case(form.form)  # type: ignore[attr-defined, operator]
    assert status_of(text) == form.status  # type: ignore[attr-defined]


@given(st.sampled_from([f for f in cell_forms if f.status == DONE]),
       st.text(alphabet="абвгдеж ,.", max_size=30))
def test_a_reason_after_the_status_does_not_change_it(form: object, reason: str) -> None:
    text = f"{form.form.capitalize()}.\n\n{reason}"  # type: ignore[attr-defined]
    assert status_of(text) == DONE
