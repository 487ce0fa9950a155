// SPDX-License-Identifier: Apache-2.0
// Evaluation of the guest's system-call filter (filter.h).
#include "kernel/filter.h"

#include <stdlib.h>

static bool cond_holds(const struct filter_cond *c, const uint64_t *args)
{
	uint64_t a = args[c->index];
	switch (c->op) {
	case FILTER_NE: return a != c->value;
	case FILTER_LT: return a < c->value;
	case FILTER_LE: return a <= c->value;
	case FILTER_EQ: return a == c->value;
	case FILTER_GE: return a >= c->value;
	case FILTER_GT: return a > c->value;
	case FILTER_MASKED_EQ: return (a & c->value) == c->value_two;
	}
	return false;
}

static int by_call(const void *a, const void *b)
{
	const struct filter_rule *x = a, *y = b;
	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

void filter_finish(struct filter *f)
{
	/* The order within a call is the profile's: ranks first, then sort. */
	for (size_t i = 0; i < f->nrules; i++)
		f->rules[i].rank = i;
	qsort(f->rules, f->nrules, sizeof(*f->rules), by_call);
	for (unsigned nr = 0; nr < FILTER_CALLS; nr++)
		f->first[nr] = -1;
	for (size_t i = f->nrules; i-- > 0;)
		f->first[f->rules[i].nr] = (int32_t)i;
}

enum filter_action filter_check(const struct filter *f, uint64_t nr, const uint64_t *args, int *err)
{
	int32_t start = nr < FILTER_CALLS ? f->first[nr] : -1;
	for (size_t i = start < 0 ? f->nrules : (size_t)start; i < f->nrules && f->rules[i].nr == nr; i++) {
		const struct filter_rule *r = &f->rules[i];
		bool all = true;
		for (unsigned k = 0; k < r->nconds && all; k++)
			all = cond_holds(&r->conds[k], args);
		if (all) {
			*err = r->errno_ret;
			return r->action;
		}
	}
	*err = f->default_errno;
	return f->default_action;
}
