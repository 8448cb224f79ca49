/* bench/hello.c — the bare libmicrohttpd baseline that bench/run.sh compares
 * majlis against. Same threading model as src/http/server.c: one internal
 * polling thread per pool member, epoll, a thread pool of nproc threads (or
 * argv[2]). Like majlis it answers on the *second* call of the access handler
 * (the first call for a request only records state); queuing on the first call
 * makes libmicrohttpd answer "Connection: close" and the rate collapses.
 *
 * The response is one shared, persistent MHD_Response holding "hello\n" — the
 * cheapest answer libmicrohttpd can give — so the figure measures the library
 * and the kernel, nothing else.
 *
 * Usage: hello PORT [THREADS]    (listens on 127.0.0.1, stops on SIGINT/SIGTERM)
 * Build: cc -O2 -o hello bench/hello.c $(pkg-config --cflags --libs libmicrohttpd) */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct MHD_Response *hello;
static int first_call_marker;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **con_cls)
{
	(void)cls, (void)url, (void)method, (void)version, (void)upload_data;
	if (!*con_cls) {
		/* First call: headers only. Record per-request state, answer later. */
		*con_cls = &first_call_marker;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* discard any body */
		return MHD_YES;
	}
	return MHD_queue_response(c, MHD_HTTP_OK, hello);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]);
		return 2;
	}
	int port = atoi(argv[1]);
	long threads = argc > 2 ? atol(argv[2]) : sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	static const char body[] = "hello\n";
	hello = MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (!hello)
		return 1;
	MHD_add_response_header(hello, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");

	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* worker threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);

	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
		(uint16_t)port, NULL, NULL, on_request, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)2000,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)0,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "hello: cannot listen on 127.0.0.1:%d\n", port);
		return 1;
	}
	fprintf(stderr, "hello listening on http://127.0.0.1:%d/ (%ld threads)\n", port, threads);
	int sig = 0;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	MHD_destroy_response(hello);
	return 0;
}
