/* A header-only TAP (Test Anything Protocol) producer for the C unit tests.
 *
 *   ok(cond, fmt, ...)        one test line; returns cond (as int 0/1)
 *   is_str(got, want, name)   string equality, NULL-safe; diagnostics on failure
 *   is_int(got, want, name)   int64 equality; diagnostics on failure
 *   diag(fmt, ...)            a "# ..." line (on stdout, so it stays in order)
 *   done_testing()            prints "1..N"; 0 when every test passed, else 1:
 *                             `return done_testing();` at the end of main
 *
 * Extension (optional): todo_start("reason") ... todo_end() marks the tests in
 * between as TODO: a failure there is reported ("# TODO reason") but does not
 * fail the file, which is how a test of a known, reported bug is kept visible
 * without breaking the suite.
 *
 * Counters are static: include this header in one translation unit per test
 * program. No plan is needed up front. stdout is made line-buffered so the
 * output interleaves sanely with anything the code under test logs on stderr. */
#ifndef MAJLIS_TESTS_TAP_H
#define MAJLIS_TESTS_TAP_H
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int tap_run_;
static int tap_failed_;
static const char *tap_todo_;

static void tap_line_setup_(void)
{
	static int done;
	if (!done) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		done = 1;
	}
}

/* Prints msg as "# " lines, one per line of msg. */
static void tap_diag_text_(const char *msg)
{
	const char *p = msg;
	do {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		printf("# %.*s\n", len, p);
		p = nl ? nl + 1 : NULL;
	} while (p && *p);
}

static void tap_vdiag_(const char *fmt, va_list ap)
{
	char buf[4096];
	vsnprintf(buf, sizeof buf, fmt, ap);
	tap_diag_text_(buf);
}

__attribute__((format(printf, 1, 2), unused))
static void diag(const char *fmt, ...)
{
	tap_line_setup_();
	va_list ap;
	va_start(ap, fmt);
	tap_vdiag_(fmt, ap);
	va_end(ap);
}

__attribute__((unused)) static void todo_start(const char *reason) { tap_todo_ = reason ? reason : ""; }
__attribute__((unused)) static void todo_end(void) { tap_todo_ = NULL; }

/* The function behind ok(): file/line name the failing assertion. */
__attribute__((format(printf, 4, 5), unused))
static int tap_ok_(int cond, const char *file, int line, const char *fmt, ...)
{
	tap_line_setup_();
	char name[1024] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(name, sizeof name, fmt, ap);
		va_end(ap);
	}
	/* '#' would start a directive in a test name: escape it as TAP allows. */
	char esc[2100];
	size_t j = 0;
	for (size_t i = 0; name[i] && j + 3 < sizeof esc; i++) {
		if (name[i] == '#' || name[i] == '\\')
			esc[j++] = '\\';
		esc[j++] = name[i] == '\n' ? ' ' : name[i];
	}
	esc[j] = 0;
	tap_run_++;
	printf("%sok %d%s%s", cond ? "" : "not ", tap_run_, esc[0] ? " - " : "", esc);
	if (tap_todo_)
		printf(" # TODO %s", tap_todo_);
	printf("\n");
	if (!cond) {
		if (!tap_todo_)
			tap_failed_++;
		printf("#   Failed %stest '%s'\n#   at %s line %d.\n", tap_todo_ ? "(TODO) " : "", esc,
		       file, line);
	}
	return cond ? 1 : 0;
}

#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

__attribute__((unused))
static int tap_is_str_(const char *got, const char *want, const char *file, int line, const char *name)
{
	int same = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
	int r = tap_ok_(same, file, line, "%s", name ? name : "");
	if (!same) {
		char buf[4096];
		snprintf(buf, sizeof buf, got ? "         got: '%s'" : "         got: %s", got ? got : "NULL");
		tap_diag_text_(buf);
		snprintf(buf, sizeof buf, want ? "    expected: '%s'" : "    expected: %s", want ? want : "NULL");
		tap_diag_text_(buf);
	}
	return r;
}

__attribute__((unused))
static int tap_is_int_(int64_t got, int64_t want, const char *file, int line, const char *name)
{
	int r = tap_ok_(got == want, file, line, "%s", name ? name : "");
	if (got != want)
		printf("#          got: %" PRId64 "\n#     expected: %" PRId64 "\n", got, want);
	return r;
}

#define is_str(got, want, name) tap_is_str_((got), (want), __FILE__, __LINE__, (name))
#define is_int(got, want, name) tap_is_int_((int64_t)(got), (int64_t)(want), __FILE__, __LINE__, (name))

/* Prints the plan; 0 when all passed (TODO failures excepted), else 1. */
__attribute__((unused))
static int done_testing(void)
{
	tap_line_setup_();
	printf("1..%d\n", tap_run_);
	if (tap_failed_)
		printf("# Looks like you failed %d test%s of %d.\n", tap_failed_, tap_failed_ == 1 ? "" : "s",
		       tap_run_);
	fflush(stdout);
	return tap_failed_ ? 1 : 0;
}

#endif
