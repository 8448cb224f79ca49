/* bench/participation/srcip_shim.c — LD_PRELOAD for wrk: every TCP connection
 * to 127.0.0.1 leaves from its own loopback source address (127.1.0.1,
 * 127.1.0.2, ... — the whole 127/8 is local on Linux), so that the server sees
 * many voters' addresses instead of one. majlis limits votes per IP
 * (POLL_VOTES_PER_IP = 300 a minute): without this, 64 loopback "voters" are one
 * address and the benchmark would measure the limiter. The server is unchanged.
 * Build: cc -O2 -shared -fPIC -o srcip_shim.so srcip_shim.c -ldl */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <sys/socket.h>

static atomic_uint next_addr;

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int (*real)(int, const struct sockaddr *, socklen_t);
	if (!real)
		real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
	if (sa && sa->sa_family == AF_INET && ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
		unsigned n = atomic_fetch_add(&next_addr, 1) % 0xFEFFFF + 1; /* 127.1.0.1 .. 127.255.255.255 */
		struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(0x7F010000u + n)};
		bind(fd, (struct sockaddr *)&src, sizeof src); /* on failure: connect from the default address */
	}
	return real(fd, sa, len);
}
