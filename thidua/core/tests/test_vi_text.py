"""vi_fold: one folding for stored keys and queries (worked pairs and hypothesis properties)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.core.vi_text import search_key, search_tokens, vi_fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Quảng Trị", "quang tri"),
        ("Đức", "duc"),
        ("ĐÔNG HÀ", "dong ha"),
        ("đường", "duong"),
        ("Cờ thi đua", "co thi dua"),
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("Hạnh   phúc\t", "hanh phuc"),
        ("", ""),
        (None, ""),
    ],
)
def test_worked_pairs(text: str | None, folded: str) -> None:
    assert vi_fold(text) == folded


def test_nfd_and_nfc_fold_the_same() -> None:
    text = "Khối thi đua các trung tâm, ban quản lý"
    assert vi_fold(unicodedata.normalize("NFD", text)) == vi_fold(text)


def test_tokens_drop_punctuation() -> None:
    assert search_tokens("Trung tâm, Đông-Hà!") == ["trung", "tam", "dong", "ha"]


def test_search_key_joins_parts() -> None:
    assert search_key("Sở Nội vụ", None, "SNV") == "so noi vu snv"


vietnamese_text = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ ")
    )
)


@given(vietnamese_text)
def test_fold_is_idempotent(text: str) -> None:
    assert vi_fold(vi_fold(text)) == vi_fold(text)


@given(vietnamese_text)
def test_fold_leaves_only_ascii_for_vietnamese_letters(text: str) -> None:
    assert vi_fold(text).isascii()


@given(vietnamese_text)
def test_fold_ignores_case_and_normal_form(text: str) -> None:
    assert vi_fold(text.upper()) == vi_fold(text.lower()) == vi_fold(unicodedata.normalize("NFD", text))
