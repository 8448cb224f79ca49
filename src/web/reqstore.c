#include "web/page.h"

store *req_store(struct req *r)
{
	store *s = store_thread();
	if (!s)
		resp_error(r, 503, "error.unavailable");
	return s;
}
