// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * B-channel media for pstn-sim: G.711 A-law, 8 kHz mono S16LE WAV in and out, sine tones at
 * a level in dBm0, DTMF (Q.23) generation (its own, independent of the box's) and detection
 * (the box's receiver, firmware/dsp/dtmf.c).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psim.h"

/* ---- G.711 A-law -------------------------------------------------------------------------- */

uint8_t psim_alaw_encode(int16_t pcm)
{
	int v = pcm >> 3; /* 13-bit */
	uint8_t sign = 0x80, a;
	int seg, thr;

	if (v < 0) {
		sign = 0x00;
		v = -v - 1;
	}
	if (v > 4095)
		v = 4095;
	if (v < 32) {
		a = (uint8_t)(v >> 1);
	} else {
		for (seg = 1, thr = 64; seg < 7 && v >= thr; seg++, thr <<= 1)
			;
		a = (uint8_t)((seg << 4) | ((v >> seg) & 0x0f));
	}
	return (uint8_t)((a | sign) ^ 0x55);
}

int16_t psim_alaw_decode(uint8_t a)
{
	int seg, mant, v;

	a ^= 0x55;
	seg = (a >> 4) & 7;
	mant = a & 0x0f;
	if (seg == 0)
		v = (mant << 1) + 1;
	else
		v = ((mant << 1) + 33) << (seg - 1);
	v <<= 3;
	return (int16_t)((a & 0x80) ? v : -v);
}

/* ---- sources and sinks --------------------------------------------------------------------- */

enum psim_media_kind { PM_WAV_IN, PM_TONE, PM_DTMF, PM_WAV_OUT };

struct psim_media {
	enum psim_media_kind kind;
	FILE *f;
	uint32_t samples; /* written (out) or left (in) */
	uint32_t n;	  /* samples produced so far */
	uint32_t dur;	  /* tone length in samples, 0 = until stopped */
	uint32_t rev;	  /* tone: phase reversal every rev samples, 0 = none */
	double phase[2], step[2], amp[2];
	char digits[64];
	unsigned int digit, on, off;
};

static double psim_dbm0_amp(double dbm0)
{
	/* a full-scale sine is +3.14 dBm0 (G.711's digital milliwatt is 0 dBm0) */
	return 32767.0 * pow(10.0, (dbm0 - 3.14) / 20.0);
}

static uint32_t rd_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/*
 * Only 8 kHz mono 16-bit PCM; a file cut short (in a header or inside the data its header
 * announces) is refused rather than played in part, so that a test never compares against
 * half a prompt.
 */
struct psim_media *psim_media_wav_in(const char *path, char *err, size_t errlen)
{
	struct psim_media *m;
	uint8_t h[12], ch[8], fmt[16];
	bool have_fmt = false;
	uint64_t pos = 12, size;
	long end;
	FILE *f = fopen(path, "rb");

	if (!f) {
		snprintf(err, errlen, "cannot open %s", path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (end = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		snprintf(err, errlen, "%s: cannot read", path);
		goto err_close;
	}
	size = (uint64_t)end;
	if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4)) {
		snprintf(err, errlen, "%s: not a WAV file", path);
		goto err_close;
	}
	while (pos + 8 <= size && fread(ch, 1, 8, f) == 8) {
		uint64_t len = rd_le32(ch + 4);

		pos += 8;
		if (len > size - pos) {
			snprintf(err, errlen, "%s: truncated (%.4s chunk of %llu octets, %llu left)",
				 path, (const char *)ch, (unsigned long long)len,
				 (unsigned long long)(size - pos));
			goto err_close;
		}
		if (!memcmp(ch, "fmt ", 4)) {
			if (len < 16 || fread(fmt, 1, 16, f) != 16) {
				snprintf(err, errlen, "%s: short fmt chunk", path);
				goto err_close;
			}
			/* PCM, mono, 8000 Hz, 2 octets per sample, 16 bit */
			if (rd_le16(fmt) != 1 || rd_le16(fmt + 2) != 1 || rd_le32(fmt + 4) != 8000 ||
			    rd_le16(fmt + 12) != 2 || rd_le16(fmt + 14) != 16) {
				snprintf(err, errlen, "%s: need 8 kHz mono S16LE PCM", path);
				goto err_close;
			}
			have_fmt = true;
		} else if (!memcmp(ch, "data", 4)) {
			if (!have_fmt) {
				snprintf(err, errlen, "%s: data before fmt", path);
				goto err_close;
			}
			m = calloc(1, sizeof(*m));
			if (!m) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto err_close;
			}
			m->kind = PM_WAV_IN;
			m->f = f;
			m->samples = (uint32_t)(len / 2);
			return m;
		}
		pos += len + (len & 1); /* chunks are padded to even length */
		if (fseek(f, (long)pos, SEEK_SET))
			break;
	}
	snprintf(err, errlen, "%s: no fmt/data chunk", path);
err_close:
	fclose(f);
	return NULL;
}

struct psim_media *psim_media_tone(double freq, double dbm0, uint32_t dur_ms)
{
	struct psim_media *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->kind = PM_TONE;
	m->step[0] = 2.0 * M_PI * freq / 8000.0;
	m->amp[0] = psim_dbm0_amp(dbm0);
	m->dur = dur_ms * 8;
	return m;
}

void psim_media_tone_reversals(struct psim_media *m, uint32_t every_ms)
{
	if (m && m->kind == PM_TONE)
		m->rev = every_ms * 8;
}

static const char psim_dtmf_keys[] = "123A456B789C*0#D";
static const double psim_dtmf_lo[] = { 697, 770, 852, 941 };
static const double psim_dtmf_hi[] = { 1209, 1336, 1477, 1633 };

struct psim_media *psim_media_dtmf(const char *digits, uint32_t on_ms, uint32_t off_ms)
{
	struct psim_media *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->kind = PM_DTMF;
	snprintf(m->digits, sizeof(m->digits), "%s", digits);
	m->on = on_ms * 8;
	m->off = off_ms * 8;
	m->amp[0] = psim_dbm0_amp(-7.0); /* low group */
	m->amp[1] = psim_dbm0_amp(-5.0); /* high group, 2 dB twist */
	return m;
}

struct psim_media *psim_media_wav_out(const char *path, char *err, size_t errlen)
{
	static const uint8_t hdr[44] = {
		'R', 'I', 'F', 'F', 36, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ',
		16, 0, 0, 0, 1, 0, 1, 0, 0x40, 0x1f, 0, 0, 0x80, 0x3e, 0, 0,
		2, 0, 16, 0, 'd', 'a', 't', 'a', 0, 0, 0, 0,
	};
	struct psim_media *m;
	FILE *f = fopen(path, "wb");

	if (!f) {
		snprintf(err, errlen, "cannot create %s", path);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m || fwrite(hdr, 1, sizeof(hdr), f) != sizeof(hdr)) {
		free(m);
		fclose(f);
		snprintf(err, errlen, "cannot write %s", path);
		return NULL;
	}
	m->kind = PM_WAV_OUT;
	m->f = f;
	return m;
}

bool psim_media_next(struct psim_media *m, int16_t *pcm)
{
	uint8_t b[2];

	switch (m->kind) {
	case PM_WAV_IN:
		if (!m->samples || fread(b, 1, 2, m->f) != 2)
			return false;
		m->samples--;
		*pcm = (int16_t)(b[0] | b[1] << 8);
		return true;
	case PM_TONE:
		if (m->dur && m->n >= m->dur)
			return false;
		if (m->rev && m->n && m->n % m->rev == 0)
			m->phase[0] = fmod(m->phase[0] + M_PI, 2.0 * M_PI);
		*pcm = (int16_t)lrint(m->amp[0] * sin(m->phase[0]));
		m->phase[0] = fmod(m->phase[0] + m->step[0], 2.0 * M_PI);
		m->n++;
		return true;
	case PM_DTMF: {
		unsigned int per = m->on + m->off, pos;
		const char *k;
		char d;

		if (!per)
			return false;
		m->digit = m->n / per;
		pos = m->n % per;
		d = m->digits[m->digit];
		if (!d)
			return false;
		m->n++;
		k = strchr(psim_dtmf_keys, toupper((unsigned char)d)); /* a-d as A-D */
		if (!k || pos >= m->on) {
			*pcm = 0;
			return true;
		}
		{
			unsigned int idx = (unsigned int)(k - psim_dtmf_keys);
			double t = pos / 8000.0;

			*pcm = (int16_t)lrint(m->amp[0] * sin(2 * M_PI * psim_dtmf_lo[idx / 4] * t) +
					      m->amp[1] * sin(2 * M_PI * psim_dtmf_hi[idx % 4] * t));
		}
		return true;
	}
	default:
		return false;
	}
}

void psim_media_put(struct psim_media *m, int16_t pcm)
{
	uint8_t b[2] = { (uint8_t)(pcm & 0xff), (uint8_t)((uint16_t)pcm >> 8) };

	if (m->kind != PM_WAV_OUT || fwrite(b, 1, 2, m->f) != 2)
		return;
	m->samples++;
}

static void wr_le32_at(FILE *f, long off, uint32_t v)
{
	uint8_t b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

	fseek(f, off, SEEK_SET);
	fwrite(b, 1, 4, f);
}

void psim_media_close(struct psim_media *m)
{
	if (!m)
		return;
	if (m->kind == PM_WAV_OUT && m->f) {
		wr_le32_at(m->f, 4, 36 + m->samples * 2);
		wr_le32_at(m->f, 40, m->samples * 2);
	}
	if (m->f)
		fclose(m->f);
	free(m);
}

/* ---- DTMF receiver: the box's own (firmware/dsp/dtmf.c), one sample at a time ------------ */
static void psim_dtmf_ev(void *arg, const struct dtmf_event *ev)
{
	struct psim_dtmf_det *d = arg;

	if (!ev->end)
		d->got = ev->digit;
}

char psim_dtmf_detect(struct psim_call *c, int16_t pcm)
{
	struct psim_dtmf_det *d = &c->dtmf;

	if (!d->ready) {
		dtmf_det_init(&d->det, psim_dtmf_ev, d);
		d->ready = true;
	}
	d->got = 0;
	dtmf_det_feed(&d->det, &pcm, 1);
	return d->got;
}
