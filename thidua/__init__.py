"""Thidua: emulation and commendation work (thi đua – khen thưởng) for the Vietnamese public sector."""
