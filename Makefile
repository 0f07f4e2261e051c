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
# The archives are copies (build/llvm/) whose static constructors are moved
# out of .init_array into tt_llvm_init: they run only in the short-lived
# code generator process (src/codegen/isolate.c), so the tracer never
# touches LLVM's code (~10 MB of resident text at every start otherwise).
LLVM_LIBDIR := $(shell $(LLVM_CONFIG) --libdir 2>/dev/null)
LLVM_LFLAGS := $(shell $(LLVM_CONFIG) --link-static --libs $(LLVM_COMPONENTS) 2>/dev/null)
LLVM_ARCHIVES := $(patsubst -l%,build/llvm/lib%.a,$(filter -l%,$(LLVM_LFLAGS)))
LLVM_LIBS   := -Lbuild/llvm $(shell $(LLVM_CONFIG) --ldflags 2>/dev/null) $(LLVM_LFLAGS) \
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

tracetop: $(OBJS) $(LLVM_ARCHIVES)
	$(CC) $(CFLAGS) -o $@ $(OBJS) $(LDLIBS)

build/llvm/%.a: $(LLVM_LIBDIR)/%.a
	@mkdir -p $(dir $@)
	objcopy --rename-section .init_array=tt_llvm_init $< $@.tmp && mv $@.tmp $@

# codegen is the only place that sees LLVM headers
build/codegen/%.o: src/codegen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LLVM_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

asan: tracetop-asan
tracetop-asan: $(ASAN_OBJS) $(LLVM_ARCHIVES)
	$(CC) $(CFLAGS) -fsanitize=address,undefined -o $@ $(ASAN_OBJS) $(LDLIBS)
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
