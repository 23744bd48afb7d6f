// SPDX-License-Identifier: GPL-2.0-or-later
/* Calls on the telco side: libpri NETWORK events -> JSON, B-channel media per call. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hybrid.h"
#include "psim.h"

const char *psim_cause_name(int cause)
{
	switch (cause) {
	case 1: return "unallocated number";
	case 3: return "no route to destination";
	case 16: return "normal call clearing";
	case 17: return "user busy";
	case 18: return "no user responding";
	case 19: return "no answer";
	case 21: return "call rejected";
	case 27: return "destination out of order";
	case 28: return "invalid number format";
	case 31: return "normal, unspecified";
	case 34: return "no circuit/channel available";
	case 38: return "network out of order";
	case 41: return "temporary failure";
	case 44: return "requested channel not available";
	case 47: return "resource unavailable";
	case 81: return "invalid call reference";
	case 82: return "identified channel does not exist";
	case 88: return "incompatible destination";
	case 96: return "mandatory IE missing";
	case 100: return "invalid IE contents";
	case 102: return "recovery on timer expiry";
	case 111: return "protocol error";
	case 127: return "interworking";
	default: return "other";
	}
}

struct psim_call *psim_call_get(unsigned int id)
{
	unsigned int i;

	for (i = 0; i < PSIM_CALLS; i++)
		if (psim.calls[i].used && psim.calls[i].id == id)
			return &psim.calls[i];
	return NULL;
}

struct psim_call *psim_call_latest(void)
{
	struct psim_call *best = NULL;
	unsigned int i;

	for (i = 0; i < PSIM_CALLS; i++)
		if (psim.calls[i].used && (!best || psim.calls[i].id > best->id))
			best = &psim.calls[i];
	return best;
}

static struct psim_call *psim_call_by_pri(unsigned int span, q931_call *call)
{
	unsigned int i;

	for (i = 0; i < PSIM_CALLS; i++)
		if (psim.calls[i].used && psim.calls[i].span == span && psim.calls[i].call == call)
			return &psim.calls[i];
	return NULL;
}

static struct psim_call *psim_call_alloc(unsigned int span, enum psim_call_dir dir)
{
	unsigned int i;

	for (i = 0; i < PSIM_CALLS; i++) {
		struct psim_call *c = &psim.calls[i];

		if (c->used)
			continue;
		memset(c, 0, sizeof(*c));
		c->used = true;
		c->id = ++psim.next_call_id;
		c->span = span;
		c->dir = dir;
		return c;
	}
	return NULL;
}

void psim_call_free(struct psim_call *c)
{
	if (!c || !c->used)
		return;
	if (c->play)
		psim_media_close(c->play);
	free(c->hyb);
	c->hyb = NULL;
	if (c->rec) {
		psim_media_close(c->rec);
		psim_ev("record_done", "\"call\":%u", c->id);
	}
	c->used = false;
}

int psim_call_place(unsigned int span, const char *called, const char *calling, int ton,
		    int npi, int pres, int bchan)
{
	struct psim_span *sp = &psim.span[span];
	struct pri *pri = dchan_pri(&sp->dc);
	struct psim_call *c;
	struct pri_sr *sr;
	char b1[64], b2[64];
	int plan = ((ton & 7) << 4) | (npi & 0xf);

	if (!pri || sp->dc.l2 != ISDN_L2_MULTIPLE_FRAME_ESTABLISHED)
		return -1;
	c = psim_call_alloc(span, PSIM_OUT);
	if (!c)
		return -2;
	c->call = pri_new_call(pri);
	sr = pri_sr_new();
	if (!c->call || !sr) {
		if (sr)
			pri_sr_free(sr);
		psim_call_free(c);
		return -2;
	}
	pri_sr_set_channel(sr, bchan, 1, 0);
	pri_sr_set_bearer(sr, PRI_TRANS_CAP_SPEECH, PRI_LAYER_1_ALAW);
	pri_sr_set_called(sr, (char *)called, plan, 1);
	if (calling && *calling)
		pri_sr_set_caller(sr, (char *)calling, NULL, plan, pres);
	if (pri_setup(pri, c->call, sr)) {
		pri_sr_free(sr);
		psim_call_free(c);
		return -3;
	}
	pri_sr_free(sr);
	c->bchan = bchan;
	psim_ev("setup_sent", "\"span\":%u,\"call\":%u,\"bchan\":%d,\"called\":\"%s\","
		"\"calling\":\"%s\"", span, c->id, bchan, psim_json_str(b1, sizeof(b1), called),
		psim_json_str(b2, sizeof(b2), calling ? calling : ""));
	return (int)c->id;
}

void psim_call_event(struct dchan *dc, pri_event *ev, void *arg)
{
	struct psim_span *sp = arg;
	struct pri *pri = dchan_pri(dc);
	struct psim_call *c;
	char b1[300], b2[300], b3[300];

	switch (ev->e) {
	case PRI_EVENT_DCHAN_UP:
		psim_ev("dchan_up", "\"span\":%u", sp->nr);
		break;
	case PRI_EVENT_DCHAN_DOWN:
		psim_ev("dchan_down", "\"span\":%u", sp->nr);
		break;
	case PRI_EVENT_RING: /* a call from the box */
		c = psim_call_alloc(sp->nr, PSIM_IN);
		if (!c) {
			pri_hangup(pri, ev->ring.call, 34);
			break;
		}
		c->call = ev->ring.call;
		c->bchan = ev->ring.channel & 0xff;
		psim_ev("ring", "\"span\":%u,\"call\":%u,\"bchan\":%d,\"called\":\"%s\","
			"\"calling\":\"%s\",\"calling_plan\":%d,\"calling_pres\":%d,"
			"\"name\":\"%s\"", sp->nr, c->id, c->bchan,
			psim_json_str(b1, sizeof(b1), ev->ring.callednum),
			psim_json_str(b2, sizeof(b2), ev->ring.callingnum),
			ev->ring.callingplan, ev->ring.callingpres,
			psim_json_str(b3, sizeof(b3), ev->ring.callingname));
		pri_proceeding(pri, c->call, c->bchan, 0);
		if (psim.auto_answer) {
			pri_answer(pri, c->call, c->bchan, 0);
			c->answered = true;
			psim_ev("answer_sent", "\"call\":%u", c->id);
		}
		break;
	case PRI_EVENT_PROCEEDING:
		c = psim_call_by_pri(sp->nr, ev->proceeding.call);
		if (c) {
			if ((ev->proceeding.channel & 0xff) > 0)
				c->bchan = ev->proceeding.channel & 0xff;
			psim_ev("proceeding", "\"call\":%u,\"bchan\":%d", c->id, c->bchan);
		}
		break;
	case PRI_EVENT_PROGRESS:
		c = psim_call_by_pri(sp->nr, ev->proceeding.call);
		if (c) {
			/* an exchange connects the B-channel backwards on in-band information */
			c->inband |= !!(ev->proceeding.progressmask & PRI_PROG_INBAND_AVAILABLE);
			psim_ev("progress", "\"call\":%u,\"progress\":%d", c->id,
				ev->proceeding.progress);
		}
		break;
	case PRI_EVENT_RINGING:
		c = psim_call_by_pri(sp->nr, ev->ringing.call);
		if (c)
			c->inband |= !!(ev->ringing.progressmask & PRI_PROG_INBAND_AVAILABLE);
		if (c)
			psim_ev("alerting", "\"call\":%u,\"inband\":%s", c->id,
				ev->ringing.progressmask & PRI_PROG_INBAND_AVAILABLE ? "true" :
										       "false");
		break;
	case PRI_EVENT_ANSWER:
		c = psim_call_by_pri(sp->nr, ev->answer.call);
		if (c) {
			c->answered = true;
			if ((ev->answer.channel & 0xff) > 0)
				c->bchan = ev->answer.channel & 0xff;
			psim_ev("connect", "\"call\":%u,\"bchan\":%d", c->id, c->bchan);
		}
		break;
	case PRI_EVENT_CONNECT_ACK:
		c = psim_call_by_pri(sp->nr, ev->connect_ack.call);
		if (c)
			psim_ev("connect_ack", "\"call\":%u", c->id);
		break;
	case PRI_EVENT_HANGUP_REQ: /* DISCONNECT from the box */
		c = psim_call_by_pri(sp->nr, ev->hangup.call);
		psim_ev("disconnect", "\"span\":%u,\"call\":%u,\"cause\":%d,\"cause_text\":\"%s\"",
			sp->nr, c ? c->id : 0, ev->hangup.cause, psim_cause_name(ev->hangup.cause));
		pri_hangup(pri, ev->hangup.call, ev->hangup.cause);
		break;
	case PRI_EVENT_HANGUP: /* RELEASE / RELEASE COMPLETE, or a timer gave up */
		c = psim_call_by_pri(sp->nr, ev->hangup.call);
		psim_ev("release", "\"span\":%u,\"call\":%u,\"cause\":%d,\"cause_text\":\"%s\"",
			sp->nr, c ? c->id : 0, ev->hangup.cause, psim_cause_name(ev->hangup.cause));
		pri_hangup(pri, ev->hangup.call, ev->hangup.cause);
		psim_call_free(c);
		break;
	case PRI_EVENT_HANGUP_ACK:
		c = psim_call_by_pri(sp->nr, ev->hangup.call);
		if (c) {
			psim_ev("release", "\"span\":%u,\"call\":%u,\"cause\":%d,\"cause_text\":\"%s\"",
				sp->nr, c->id, ev->hangup.cause, psim_cause_name(ev->hangup.cause));
			psim_call_free(c);
		}
		break;
	case PRI_EVENT_INFO_RECEIVED:
		psim_ev("info", "\"span\":%u,\"digits\":\"%s\"", sp->nr,
			psim_json_str(b1, sizeof(b1), ev->ring.callednum));
		break;
	case PRI_EVENT_KEYPAD_DIGIT:
		psim_ev("keypad", "\"span\":%u,\"digits\":\"%s\"", sp->nr,
			psim_json_str(b1, sizeof(b1), ev->digit.digits));
		break;
	case PRI_EVENT_RESTART:
		psim_ev("restart", "\"span\":%u,\"channel\":%d", sp->nr, ev->restart.channel & 0xff);
		break;
	default:
		psim_ev("pri_event", "\"span\":%u,\"e\":%d,\"name\":\"%s\"", sp->nr, ev->e,
			pri_event2str(ev->e));
		break;
	}
}

static struct psim_call *psim_call_on(unsigned int span, int ts)
{
	unsigned int i;

	for (i = 0; i < PSIM_CALLS; i++)
		if (psim.calls[i].used && psim.calls[i].span == span && psim.calls[i].bchan == ts)
			return &psim.calls[i];
	return NULL;
}

void psim_calls_media_tx(unsigned int span, uint8_t *chunk)
{
	unsigned int i, f;

	for (i = 0; i < PSIM_CALLS; i++) {
		struct psim_call *c = &psim.calls[i];

		if (!c->used || c->span != span || (!c->play && !c->hyb) || c->bchan <= 0 ||
		    c->bchan >= 32 || c->bchan == E1_DCHAN_TS)
			continue;
		for (f = 0; f < E1_CHUNK_FRAMES; f++) {
			int16_t pcm = 0;
			double v;

			if (c->play && !psim_media_next(c->play, &pcm)) {
				psim_media_close(c->play);
				c->play = NULL;
				psim_ev("play_done", "\"call\":%u", c->id);
				pcm = 0;
				if (!c->hyb)
					break;
			}
			/* the caller's own sound and the line's echo of the box, added */
			v = pcm + (c->hyb ? psim_hybrid_tx(c->hyb) : 0);
			v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
			chunk[f * E1_TIMESLOTS + c->bchan] = psim_alaw_encode((int16_t)lrint(v));
		}
	}
}

bool psim_calls_hybrid_wait(void)
{
	unsigned int i;

	for (i = 0; i < PSIM_CALLS; i++) {
		const struct psim_call *c = &psim.calls[i];

		if (c->used && c->hyb && psim.span[c->span].cfd >= 0 && psim.span[c->span].l1_up &&
		    psim_hybrid_waiting(c->hyb, E1_CHUNK_FRAMES))
			return true;
	}
	return false;
}

void psim_calls_media_rx(unsigned int span, const uint8_t *chunk)
{
	int ts;
	unsigned int f;

	for (ts = 1; ts < 32; ts++) {
		struct psim_call *c;

		if (ts == E1_DCHAN_TS)
			continue;
		c = psim_call_on(span, ts);
		if (c && c->hyb)
			for (f = 0; f < E1_CHUNK_FRAMES; f++)
				psim_hybrid_rx(c->hyb,
					       psim_alaw_decode(chunk[f * E1_TIMESLOTS + ts]));
		if (!c || !(c->answered || c->inband))
			continue;
		for (f = 0; f < E1_CHUNK_FRAMES; f++) {
			int16_t pcm = psim_alaw_decode(chunk[f * E1_TIMESLOTS + ts]);
			char d;

			if (c->rec)
				psim_media_put(c->rec, pcm);
			d = psim_dtmf_detect(c, pcm);
			if (d)
				psim_ev("dtmf", "\"call\":%u,\"digit\":\"%c\"", c->id, d);
		}
	}
}
