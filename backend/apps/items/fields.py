"""SealedTextField: an item's text, sealed under its data subject's key when it has one (apps.privacy.sealing).

Sealing happens in pre_save, which save(), create() and bulk_create() all call, so no write path can store a subject's
text in the clear; opening happens in from_db_value, which every ORM read (models, values(), values_list()) goes
through. A queryset .update(text=…) bypasses pre_save: only erasure and retention use it, and they write "".
"""
from django.db import models


class SealedTextField(models.TextField):
    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        subject_ref = getattr(model_instance, "subject_ref", "")
        if value and subject_ref:
            from apps.privacy.sealing import is_sealed_text, seal_text

            # sealed already (by a bulk writer, apps.items.services); no text from outside may look sealed
            # (apps.core.strings.text_problem refuses the prefix)
            if not is_sealed_text(value):
                return seal_text(value, subject_ref)
        return value

    def from_db_value(self, value, expression, connection):
        from apps.privacy.sealing import MARK, open_text

        if value and value.startswith(MARK):
            return open_text(value)
        return value
