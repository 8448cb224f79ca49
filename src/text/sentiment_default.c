/* Finding the default sentiment model (see sent_model_default in sentiment.h).
 * Kept apart from sentiment.c so that the fuzz harness can link the engine
 * without the embedded-file table. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/embedded.h"
#include "text/sentiment.h"

#define MODEL_REL "models/sentiment.model"

static void setw(char *where, size_t wl, const char *s)
{
	if (where && wl)
		snprintf(where, wl, "%s", s);
}

sent_model *sent_model_default(char *err, size_t errlen, char *where, size_t wherelen)
{
	const char *env = getenv("MAJLIS_MODEL");
	if (env && *env) {
		setw(where, wherelen, env);
		return sent_model_load(env, err, errlen);
	}
	const struct embedded_file *ef = embedded_find(MODEL_REL);
	if (ef) {
		setw(where, wherelen, "embedded:" MODEL_REL);
		return sent_model_from_memory(ef->data, ef->len, err, errlen);
	}
	if (access(MODEL_REL, R_OK) == 0) {
		setw(where, wherelen, MODEL_REL);
		return sent_model_load(MODEL_REL, err, errlen);
	}
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (k > 0) {
		exe[k] = 0;
		char *dir = dirname(exe);
		static const char *const rel[] = {"/../" MODEL_REL, "/" MODEL_REL, "/../share/majlis/sentiment.model"};
		for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
			char path[PATH_MAX + 64];
			snprintf(path, sizeof path, "%s%s", dir, rel[i]);
			if (access(path, R_OK) == 0) {
				setw(where, wherelen, path);
				return sent_model_load(path, err, errlen);
			}
		}
	}
	if (err && errlen)
		snprintf(err, errlen, "no sentiment model: set MAJLIS_MODEL or install %s", MODEL_REL);
	return NULL;
}
