"""Catalogue texts of HAPUS DATA (a resident asks that their personal data be erased)
and of the answers an admin's decision sends."""
from __future__ import annotations

from conversations.catalogue import Text, define

define({
    "erasure.received": Text(
        id="Permintaan HAPUS DATA Anda kami terima. Petugas akan memeriksanya dan "
           "mengabari Anda lewat SMS sebelum nomor Anda dihapus.",
        en="Your HAPUS DATA request is received. An officer will check it and tell you by "
           "SMS before your number is erased.",
    ),
    "erasure.done": Text(
        id="Sesuai permintaan Anda, nomor dan nama Anda kami hapus. Aduan dan data KSM "
           "disimpan tanpa nomor Anda. Ini SMS terakhir dari kami.",
        en="As you asked, your number and name are being erased. Complaints and KSM records "
           "are kept without your number. This is our last SMS.",
    ),
    # Two segments: the officer's reason must reach the resident whole.
    "erasure.refused": Text(
        id="Permintaan HAPUS DATA Anda belum dapat kami penuhi. Alasan: {reason}. "
           "Pertanyaan? Hubungi petugas PPM.",
        en="We cannot fulfil your HAPUS DATA request yet. Reason: {reason}. Questions? "
           "Contact the PPM officer.",
        segments=2,
        example={"reason": "x" * 120},
    ),
})
