# tracetop build. `make` builds ./tracetop; `make check` installs missing
# Debian packages, builds and runs every test; `make run` opens the dashboard.

LLVM_CONFIG ?= llvm-config-19
CC          ?= gcc
PKGS        := libbpf libelf ncursesw zlib libmicrohttpd

LLVM_CFLAGS := $(shell $(LLVM_CONFIG) --cflags 2>/dev/null | sed 's/-std=[^ ]*//')
# LLVM is linked statically, and only the components codegen uses: the
# shared libLLVM costs ~0.5 s of relocation at every start and ~30 MB of
# resident memory (measured: -V 0.7 s / 55 MB shared, 0.2 s / 25 MB static).
LLVM_COMPONENTS := core analysis passes target object bpfcodegen bpfdesc bpfinfo \
		   bpfdisassembler mcdisassembler
LLVM_LIBS   := $(shell $(LLVM_CONFIG) --ldflags 2>/dev/null) \
	       $(shell $(LLVM_CONFIG) --link-static --libs $(LLVM_COMPONENTS) 2>/dev/null) \
	       -lstdc++ -lrt -ldl -lz -lzstd
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -MMD -MP
LDLIBS  += $(LLVM_LIBS) $(PKG_LIBS) -lm -lpthread

SRCS    := $(sort $(wildcard src/*.c src/*/*.c))
OBJS    := $(SRCS:src/%.c=build/%.o)
ASAN_OBJS := $(SRCS:src/%.c=build/asan/%.o)
LIB_OBJS  := $(filter-out build/main.o,$(OBJS))

.PHONY: all asan check test deps run bench fuzz clean install format

all: tracetop

tracetop: $(OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# codegen is the only place that sees LLVM headers
build/codegen/%.o: src/codegen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LLVM_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

asan: tracetop-asan
tracetop-asan: $(ASAN_OBJS)
	$(CC) $(CFLAGS) -fsanitize=address,undefined -o $@ $^ $(LDLIBS)
build/asan/codegen/%.o: src/codegen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=address,undefined $(LLVM_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<
build/asan/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=address,undefined $(PKG_CFLAGS) -c -o $@ $<

deps:
	@scripts/install-deps.sh

check: deps
	$(MAKE) tracetop tracetop-asan
	tests/run.sh

test: tracetop
	tests/run.sh

run: deps
	$(MAKE) tracetop
	./tracetop --default

bench: deps
	$(MAKE) tracetop
	bench/run.sh

fuzz:
	$(MAKE) -C tests/fuzz

format:
	clang-format -i $(SRCS) $(wildcard src/*.h src/*/*.h)

install: tracetop
	install -D -m 755 tracetop $(DESTDIR)/usr/local/bin/tracetop
	install -d $(DESTDIR)/usr/share/tracetop/themes
	install -m 644 themes/*.theme $(DESTDIR)/usr/share/tracetop/themes/ 2>/dev/null || true

clean:
	rm -rf build tracetop tracetop-asan

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d)
