"""The export's sheets and their Russian column headers (``pipeline.export``); a column
without a header here is exported under its own name (a test keeps this list complete)."""

from __future__ import annotations

# (table, sheet name), in the workbook's order
SHEETS: tuple[tuple[str, str], ...] = (
    ("documents", "Документы"),
    ("indicators", "Показатели"),
    ("series", "Ряды"),
    ("activities", "Мероприятия"),
    ("finance", "Финансы"),
)

COMMON = {
    "doc_id": "ID документа",
    "federal_project": "Федеральный проект",
    "year": "Год",
    "status_raw": "Статус (как в документе)",
    "status": "Статус",
    "page": "Страница",
    "locator": "Место в документе",
    "confidence": "Уверенность",
    "unit": "Единица измерения",
    "completion_pct": "Процент исполнения",
    "planned_value": "План",
    "actual_value": "Факт",
    "flags": "Отметки проверки",
}

HEADERS: dict[str, dict[str, str]] = {
    "documents": {
        "source_path": "Файл",
        "format": "Формат",
        "doc_type": "Тип документа",
        "title": "Заголовок",
        "municipality": "Муниципальное образование",
        "oktmo": "ОКТМО",
        "region": "Субъект РФ",
        "national_project": "Национальный проект",
        "municipal_project": "Муниципальный проект",
        "report_year": "Отчетный год",
        "doc_date": "Дата документа",
        "status": "Статус чтения",
        "error": "Ошибка",
        "error_ru": "Причина (по-русски)",  # the export's own: error in Russian
        "pages": "Страниц",
        "extractor_version": "Версия программы",
        "encoding": "Кодировка",
        "warnings": "Предупреждения",
    },
    "indicators": {
        "indicator_raw": "Показатель (как в документе)",
        "indicator_canonical": "Показатель (по справочнику)",
        "match_score": "Сходство с справочником",
        "activity": "Мероприятие",
        "base_value": "Базовое значение",
        "planned_text": "План (текст)",
        "comparator": "Условие",
        "actual_text": "Факт (текст)",
        "note": "Примечание",
        "federal_project_stated": "Федеральный проект (указан в документе)",
        "review_reason": "Причина проверки",
        "match_candidates": "Кандидаты из справочника",
    },
    "series": {
        "region": "Субъект РФ",
        "oktmo": "ОКТМО",
        "municipality": "Муниципальное образование",
        "national_project": "Национальный проект",
        "indicator": "Показатель",
        "indicator_key": "Ключ показателя",
        "target_value": "Целевое значение",
        "target_comparator": "Условие цели",
        "target_doc_id": "ID документа цели",
        "target_locator": "Место цели в документе",
        "target_page": "Страница цели",
        "fact_doc_id": "ID документа факта",
        "fact_locator": "Место факта в документе",
        "fact_page": "Страница факта",
        "completion_source": "Процент: источник",
        "status_source": "Статус: источник",
        "n_documents": "Документов",
        "doc_ids": "ID документов",
    },
    "activities": {
        "number": "Номер",
        "name": "Мероприятие",
        "start_date": "Начало",
        "end_date": "Окончание (срок)",
        "actual_date": "Фактическая дата",
        "period_text": "Срок (текст)",
        "responsible": "Ответственный",
        "result_form": "Форма результата",
        "report": "Отчет об исполнении",
    },
    "finance": {
        "source": "Источник",
        "planned_rub": "План, руб.",
        "spent_rub": "Исполнено, руб.",
        "text": "Текст",
    },
}

WIDE = frozenset({"title", "indicator_raw", "indicator_canonical", "indicator", "name",
                  "activity", "note", "report", "text", "error", "match_candidates",
                  "source_path", "indicator_key", "responsible"})


def header(table: str, column: str) -> str:
    """The Russian header of ``table``'s ``column``."""
    return HEADERS.get(table, {}).get(column) or COMMON.get(column) or column
