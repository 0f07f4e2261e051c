/*
 * backedge.c - every loop edge of the emitted object made a jump's edge,
 * for the verifiers of older kernels (Debian 12's 6.1).
 *
 * Their check_cfg walks the instructions depth first and accepts an edge
 * back to an instruction still on the walk's stack (a loop) only when the
 * edge belongs to a jump: the fall-through edge of any other instruction
 * (ALU, load, store, helper call) is refused as "back-edge from insn X to
 * X+1", even for a bounded loop. LLVM's block placement often puts a
 * loop's latch right above its header, which the code before the loop
 * enters with a goto, so the latch's last instruction falls through into
 * the header: strcontains()'s search compiled that way.
 *
 * This pass finds every non-jump instruction whose next instruction is a
 * jump target in the same strongly connected part of the flow graph (the
 * only fall-through edges a depth-first walk can see as back-edges) and
 * puts a `goto +0` after it. It then fixes what the insertion moves: jump
 * offsets, relocation offsets, symbol values and sizes, calls and
 * subprogram addresses into a rewritten section, and the .BTF.ext func,
 * line and CO-RE records, and lays the ELF out anew. DWARF is left as it
 * is (libbpf ignores it). Plain bytes only: no LLVM, no libbpf.
 */
#include <elf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"

#define INSN_SZ      8
#define LD_IMM64     (BPF_LD | BPF_IMM | BPF_DW)
#define BTF_MAGIC_LE 0xeB9F

/* One executable section and, once analysed, where its instructions go. */
struct bsec {
	struct bpf_insn *in;  /* the section's bytes in the working copy */
	uint32_t n;           /* instructions before */
	uint32_t added;       /* gotos inserted */
	uint32_t *map;        /* old index 0..n -> new index (NULL: unchanged) */
	uint8_t *pad;         /* pad[i]: a goto goes before instruction i */
	uint8_t *has_rel;     /* has_rel[i]: a relocation patches instruction i */
	struct bpf_insn *out; /* the rewritten instructions */
};

/* The object being rewritten: a private copy of the bytes plus headers. */
struct bobj {
	uint8_t *buf;
	size_t len;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	uint32_t nsec;
	struct bsec *secs; /* per section index; in == NULL: not code */
};

static bool is_jump_class(uint8_t code)
{
	return BPF_CLASS(code) == BPF_JMP || BPF_CLASS(code) == BPF_JMP32;
}

/* A jump or goto: a jump-class instruction other than call and exit. */
static bool is_jump(uint8_t code)
{
	return is_jump_class(code) && BPF_OP(code) != BPF_CALL && BPF_OP(code) != BPF_EXIT;
}

/* The target of jump i, or -1 when i is no jump. section_plan refuses a
 * section with a target outside it, so the other users see valid ones. */
static int64_t jump_target(const struct bpf_insn *in, uint32_t i)
{
	uint8_t code = in[i].code;

	if (!is_jump(code))
		return -1;
	if (BPF_CLASS(code) == BPF_JMP32 && BPF_OP(code) == BPF_JA)
		return (int64_t)i + in[i].imm + 1; /* gotol */
	return (int64_t)i + in[i].off + 1;
}

/* The successors of instruction i inside the section (calls fall through;
 * their callee returns by exit, which closes no cycle here). */
static int successors(const struct bsec *s, uint32_t i, uint32_t out[2])
{
	uint8_t code = s->in[i].code;
	int64_t t = jump_target(s->in, i);
	int k = 0;

	if (is_jump_class(code) && BPF_OP(code) == BPF_EXIT)
		return 0;
	if (!(is_jump_class(code) && BPF_OP(code) == BPF_JA) && i + 1 < s->n)
		out[k++] = i + 1;
	if (t >= 0 && t < s->n)
		out[k++] = (uint32_t)t;
	return k;
}

/* Tarjan's strongly connected components, iteratively: comp[i] for every
 * instruction. */
static void scc_compute(const struct bsec *s, uint32_t *comp)
{
	uint32_t n = s->n, next = 1, ncomp = 0, sp = 0, csp = 0;
	uint32_t *idx = xcalloc(n, sizeof(*idx)), *low = xcalloc(n, sizeof(*low));
	uint32_t *stk = xcalloc(n, sizeof(*stk)), *cs = xcalloc(n, sizeof(*cs));
	uint8_t *cur = xcalloc(n, 1), *on = xcalloc(n, 1);

	for (uint32_t r = 0; r < n; r++) {
		if (idx[r])
			continue;
		idx[r] = low[r] = next++;
		stk[sp++] = r;
		on[r] = 1;
		cs[csp++] = r;
		while (csp) {
			uint32_t v = cs[csp - 1], succ[2];
			int ns = successors(s, v, succ);

			if (cur[v] < ns) {
				uint32_t w = succ[cur[v]++];

				if (!idx[w]) {
					idx[w] = low[w] = next++;
					stk[sp++] = w;
					on[w] = 1;
					cs[csp++] = w;
				} else if (on[w] && idx[w] < low[v]) {
					low[v] = idx[w];
				}
				continue;
			}
			csp--;
			if (csp && low[v] < low[cs[csp - 1]])
				low[cs[csp - 1]] = low[v];
			if (low[v] == idx[v]) {
				uint32_t w;

				do {
					w = stk[--sp];
					on[w] = 0;
					comp[w] = ncomp;
				} while (w != v);
				ncomp++;
			}
		}
	}
	free(idx);
	free(low);
	free(stk);
	free(cs);
	free(cur);
	free(on);
}

/* Decide where gotos go in one section and build its index map. Returns
 * the number of gotos, or -EINVAL for a jump out of the section. */
static int section_plan(struct bsec *s)
{
	uint32_t n = s->n, *comp;
	uint8_t *target = xcalloc(n, 1), *second = xcalloc(n, 1);
	bool backward = false;
	int added = 0;

	for (uint32_t i = 0; i < n; i++) {
		int64_t t;

		if (second[i])
			continue;
		if (s->in[i].code == LD_IMM64 && i + 1 < n)
			second[i + 1] = 1;
		if (!is_jump(s->in[i].code))
			continue;
		t = jump_target(s->in, i);
		if (t < 0 || t >= n) {
			free(target);
			free(second);
			return -EINVAL;
		}
		target[t] = 1;
		backward |= t <= i;
	}
	if (!backward) { /* no cycle without a backward jump */
		free(target);
		free(second);
		return 0;
	}
	comp = xcalloc(n, sizeof(*comp));
	scc_compute(s, comp);
	s->pad = xcalloc(n + 1, 1);
	for (uint32_t e = 0; e + 1 < n; e++) {
		uint8_t code = s->in[e].code;

		if (is_jump_class(code) && BPF_OP(code) != BPF_CALL)
			continue; /* a jump's own edges may close loops */
		if (second[e + 1] || !target[e + 1] || comp[e] != comp[e + 1])
			continue;
		s->pad[e + 1] = 1;
		added++;
	}
	free(comp);
	free(target);
	free(second);
	if (!added) {
		free(s->pad);
		s->pad = NULL;
		return 0;
	}
	s->map = xcalloc(n + 1, sizeof(*s->map));
	for (uint32_t i = 0, shift = 0; i <= n; i++) {
		shift += s->pad[i];
		s->map[i] = i + shift;
	}
	s->added = (uint32_t)added;
	return added;
}

/* The new instructions of a planned section: gotos in, jumps and
 * relocation-less calls re-aimed. -E2BIG when an offset no longer fits. */
static int section_rewrite(struct bsec *s)
{
	uint32_t n = s->n;

	s->out = xcalloc(n + s->added, sizeof(*s->out));
	for (uint32_t i = 0; i < n; i++) {
		struct bpf_insn *o = &s->out[s->map[i]];
		int64_t t = jump_target(s->in, i);

		if (s->pad[i])
			s->out[s->map[i] - 1] = (struct bpf_insn){.code = BPF_JMP | BPF_JA};
		*o = s->in[i];
		if (t >= 0) {
			int64_t off = (int64_t)s->map[t] - s->map[i] - 1;

			if (BPF_CLASS(o->code) == BPF_JMP32 && BPF_OP(o->code) == BPF_JA)
				o->imm = (int32_t)off;
			else if (off < INT16_MIN || off > INT16_MAX)
				return -E2BIG;
			else
				o->off = (int16_t)off;
		} else if (o->code == (BPF_JMP | BPF_CALL) && o->src_reg == BPF_PSEUDO_CALL &&
			   !s->has_rel[i]) {
			int64_t c = (int64_t)i + o->imm + 1;

			if (c < 0 || c > n)
				return -EINVAL;
			o->imm = (int32_t)((int64_t)s->map[c] - s->map[i] - 1);
		}
	}
	return 0;
}

static uint32_t map_index(const struct bsec *s, uint64_t old)
{
	return old <= s->n ? s->map[old] : (uint32_t)old;
}

static bool sec_in_file(const Elf64_Shdr *sh, size_t len)
{
	return sh->sh_type == SHT_NOBITS || sh->sh_type == SHT_NULL ||
	       (sh->sh_offset <= len && sh->sh_size <= len - sh->sh_offset);
}

static int obj_parse(struct bobj *o)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)o->buf;

	if (o->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || !eh->e_shnum || eh->e_shoff > o->len ||
	    (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > o->len - eh->e_shoff || eh->e_shoff % 8)
		return -EINVAL;
	o->eh = eh;
	o->sh = (Elf64_Shdr *)(o->buf + eh->e_shoff);
	o->nsec = eh->e_shnum;
	for (uint32_t i = 0; i < o->nsec; i++)
		if (!sec_in_file(&o->sh[i], o->len))
			return -EINVAL;
	o->secs = xcalloc(o->nsec, sizeof(*o->secs));
	for (uint32_t i = 0; i < o->nsec; i++) {
		Elf64_Shdr *sh = &o->sh[i];

		if (sh->sh_type != SHT_PROGBITS || !(sh->sh_flags & SHF_EXECINSTR) ||
		    !sh->sh_size || sh->sh_size % INSN_SZ || sh->sh_offset % 8)
			continue;
		o->secs[i].in = (struct bpf_insn *)(o->buf + sh->sh_offset);
		o->secs[i].n = (uint32_t)(sh->sh_size / INSN_SZ);
		o->secs[i].has_rel = xcalloc(o->secs[i].n, 1);
	}
	return 0;
}

static Elf64_Sym *obj_symtab(struct bobj *o, uint32_t *nsym)
{
	for (uint32_t i = 0; i < o->nsec; i++)
		if (o->sh[i].sh_type == SHT_SYMTAB && o->sh[i].sh_offset % 8 == 0) {
			*nsym = (uint32_t)(o->sh[i].sh_size / sizeof(Elf64_Sym));
			return (Elf64_Sym *)(o->buf + o->sh[i].sh_offset);
		}
	*nsym = 0;
	return NULL;
}

/* Section i as the relocations of a code section: their entries (*n of
 * them) and that section (*s); NULL when it is not one. */
static Elf64_Rel *code_rels(struct bobj *o, uint32_t i, struct bsec **s, size_t *n)
{
	const Elf64_Shdr *r = &o->sh[i];

	if (r->sh_type != SHT_REL || r->sh_info >= o->nsec || r->sh_offset % 8 ||
	    r->sh_entsize != sizeof(Elf64_Rel) || !o->secs[r->sh_info].in)
		return NULL;
	*s = &o->secs[r->sh_info];
	*n = r->sh_size / sizeof(Elf64_Rel);
	return (Elf64_Rel *)(o->buf + r->sh_offset);
}

static void mark_relocated(struct bobj *o)
{
	for (uint32_t i = 0; i < o->nsec; i++) {
		struct bsec *s;
		size_t n;
		Elf64_Rel *rel = code_rels(o, i, &s, &n);

		if (!rel)
			continue;
		for (size_t k = 0; k < n; k++)
			if (rel[k].r_offset / INSN_SZ < s->n)
				s->has_rel[rel[k].r_offset / INSN_SZ] = 1;
	}
}

/* A call or subprogram address resolved through a symbol of the moved
 * section t: libbpf adds the symbol's value (oldv before, newv now) to the
 * instruction's imm, in instructions for a call, in bytes for ld_imm64. */
static void reloc_reaim(struct bpf_insn *insn, const struct bsec *t, uint64_t oldv, uint64_t newv)
{
	int64_t old;

	if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL) {
		old = (int64_t)(oldv / INSN_SZ) + insn->imm + 1;
		if (old >= 0)
			insn->imm = (int32_t)((int64_t)map_index(t, (uint64_t)old) -
					      (int64_t)(newv / INSN_SZ) - 1);
	} else if (insn->code == LD_IMM64) {
		old = (int64_t)oldv + insn->imm;
		if (old >= 0)
			insn->imm =
				(int32_t)((int64_t)map_index(t, (uint64_t)old / INSN_SZ) * INSN_SZ -
					  (int64_t)newv);
	}
}

/* Relocations: their offsets into moved code, and what they resolve into
 * moved code (oldval: the symbol values before fix_symbols). */
static void fix_relocations(struct bobj *o, const Elf64_Sym *syms, uint32_t nsym,
			    const uint64_t *oldval)
{
	for (uint32_t i = 0; i < o->nsec; i++) {
		struct bsec *s;
		size_t n;
		Elf64_Rel *rel = code_rels(o, i, &s, &n);

		if (!rel)
			continue;
		for (size_t k = 0; k < n; k++) {
			uint64_t at = rel[k].r_offset / INSN_SZ;
			uint32_t sym = (uint32_t)ELF64_R_SYM(rel[k].r_info);

			if (at >= s->n)
				continue;
			if (s->map) {
				at = s->map[at];
				rel[k].r_offset = at * INSN_SZ;
			}
			if (sym < nsym && syms[sym].st_shndx < o->nsec &&
			    o->secs[syms[sym].st_shndx].map)
				reloc_reaim(s->out ? &s->out[at] : &s->in[at],
					    &o->secs[syms[sym].st_shndx], oldval[sym],
					    syms[sym].st_value);
		}
	}
}

static void fix_symbols(struct bobj *o, Elf64_Sym *syms, uint32_t nsym, uint64_t *oldval)
{
	for (uint32_t k = 0; k < nsym; k++) {
		Elf64_Sym *sym = &syms[k];
		const struct bsec *s;
		uint64_t start, end;

		oldval[k] = sym->st_value;
		if (sym->st_shndx >= o->nsec || !o->secs[sym->st_shndx].map)
			continue;
		s = &o->secs[sym->st_shndx];
		start = map_index(s, sym->st_value / INSN_SZ);
		end = map_index(s, (sym->st_value + sym->st_size) / INSN_SZ);
		sym->st_value = start * INSN_SZ;
		if (ELF64_ST_TYPE(sym->st_info) == STT_FUNC)
			sym->st_size = (end - start) * INSN_SZ;
	}
}

static const Elf64_Shdr *section_named(const struct bobj *o, const char *name, uint32_t *index)
{
	const Elf64_Shdr *strs;

	if (o->eh->e_shstrndx >= o->nsec)
		return NULL;
	strs = &o->sh[o->eh->e_shstrndx];
	for (uint32_t i = 0; i < o->nsec; i++) {
		const char *s;

		if (o->sh[i].sh_name >= strs->sh_size)
			continue;
		s = (const char *)o->buf + strs->sh_offset + o->sh[i].sh_name;
		if (strnlen(s, strs->sh_size - o->sh[i].sh_name) <
			    strs->sh_size - o->sh[i].sh_name &&
		    !strcmp(s, name)) {
			if (index)
				*index = i;
			return &o->sh[i];
		}
	}
	return NULL;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* One .BTF.ext info block (func, line or CO-RE records): each record's
 * first field is an instruction offset in its section. */
static void fix_ext_block(struct bobj *o, uint8_t *p, uint32_t len, const char *strs,
			  uint32_t strs_len)
{
	uint32_t rec, at = 4;

	if (len < 4)
		return;
	rec = rd32(p);
	if (rec < 4)
		return;
	while (at + 8 <= len) {
		uint32_t name = rd32(p + at), cnt = rd32(p + at + 4), index = 0;
		const struct bsec *s = NULL;

		at += 8;
		if ((uint64_t)cnt * rec > len - at)
			return;
		if (name < strs_len && memchr(strs + name, 0, strs_len - name) &&
		    section_named(o, strs + name, &index))
			s = o->secs[index].map ? &o->secs[index] : NULL;
		for (uint32_t k = 0; s && k < cnt; k++) {
			uint8_t *r = p + at + (size_t)k * rec;

			wr32(r, map_index(s, rd32(r) / INSN_SZ) * INSN_SZ);
		}
		at += cnt * rec;
	}
}

static void fix_btf_ext(struct bobj *o)
{
	const Elf64_Shdr *btf = section_named(o, ".BTF", NULL);
	const Elf64_Shdr *ext = section_named(o, ".BTF.ext", NULL);
	const uint8_t *b;
	uint8_t *e;
	uint32_t bhdr, soff, slen, ehdr;

	if (!btf || !ext || btf->sh_size < 24 || ext->sh_size < 24)
		return;
	b = o->buf + btf->sh_offset;
	e = o->buf + ext->sh_offset;
	if ((rd32(b) & 0xffff) != BTF_MAGIC_LE || (rd32(e) & 0xffff) != BTF_MAGIC_LE)
		return;
	bhdr = rd32(b + 4);
	soff = rd32(b + 16);
	slen = rd32(b + 20);
	if ((uint64_t)bhdr + soff + slen > btf->sh_size)
		return;
	ehdr = rd32(e + 4);
	/* func_info, line_info and (with a 32-byte header) core_relo */
	for (uint32_t f = 8; f + 8 <= ehdr && f <= 24; f += 8) {
		uint32_t off = rd32(e + f), len = rd32(e + f + 4);

		if ((uint64_t)ehdr + off + len > ext->sh_size)
			continue;
		fix_ext_block(o, e + ehdr + off, len, (const char *)b + bhdr + soff, slen);
	}
}

/* A new ELF image: the same sections in the same order, rewritten code in
 * place of the old, every offset recomputed. */
static void obj_layout(struct bobj *o, void **obj, size_t *len)
{
	size_t off = sizeof(Elf64_Ehdr), total;
	uint64_t *at = xcalloc(o->nsec, sizeof(*at));
	uint8_t *buf;

	for (uint32_t i = 1; i < o->nsec; i++) {
		uint64_t align = o->sh[i].sh_addralign ? o->sh[i].sh_addralign : 1;
		uint64_t size = o->secs[i].out
					? (uint64_t)(o->secs[i].n + o->secs[i].added) * INSN_SZ
					: o->sh[i].sh_size;

		off = (off + align - 1) / align * align;
		at[i] = off;
		if (o->sh[i].sh_type != SHT_NOBITS)
			off += size;
	}
	off = (off + 7) / 8 * 8;
	total = off + (size_t)o->nsec * sizeof(Elf64_Shdr);
	buf = xcalloc(1, total);
	memcpy(buf, o->eh, sizeof(Elf64_Ehdr));
	((Elf64_Ehdr *)buf)->e_shoff = off;
	for (uint32_t i = 0; i < o->nsec; i++) {
		Elf64_Shdr sh = o->sh[i];

		if (i) {
			if (o->secs[i].out)
				sh.sh_size = (uint64_t)(o->secs[i].n + o->secs[i].added) * INSN_SZ;
			if (sh.sh_type != SHT_NOBITS)
				memcpy(buf + at[i],
				       o->secs[i].out ? (const void *)o->secs[i].out
						      : (const void *)(o->buf + sh.sh_offset),
				       sh.sh_size);
			sh.sh_offset = at[i];
		}
		memcpy(buf + off + (size_t)i * sizeof(sh), &sh, sizeof(sh));
	}
	free(at);
	*obj = buf;
	*len = total;
}

static void obj_free(struct bobj *o)
{
	for (uint32_t i = 0; o->secs && i < o->nsec; i++) {
		free(o->secs[i].map);
		free(o->secs[i].pad);
		free(o->secs[i].has_rel);
		free(o->secs[i].out);
	}
	free(o->secs);
	free(o->buf);
}

int backedge_pad(void **obj, size_t *len)
{
	struct bobj o = {.len = *len};
	Elf64_Sym *syms;
	uint64_t *oldval;
	uint32_t nsym;
	int total = 0, err;

	o.buf = xmalloc(*len);
	memcpy(o.buf, *obj, *len);
	err = obj_parse(&o);
	if (err)
		goto out;
	mark_relocated(&o);
	for (uint32_t i = 0; i < o.nsec; i++) {
		if (!o.secs[i].in)
			continue;
		err = section_plan(&o.secs[i]);
		if (err < 0)
			goto out;
		total += err;
	}
	err = 0;
	if (!total)
		goto out;
	for (uint32_t i = 0; i < o.nsec; i++) {
		if (!o.secs[i].map)
			continue;
		err = section_rewrite(&o.secs[i]);
		if (err)
			goto out;
	}
	syms = obj_symtab(&o, &nsym);
	oldval = xcalloc(nsym + 1, sizeof(*oldval));
	fix_symbols(&o, syms, nsym, oldval);
	fix_relocations(&o, syms, nsym, oldval);
	free(oldval);
	fix_btf_ext(&o);
	free(*obj);
	obj_layout(&o, obj, len);
	err = total;
out:
	obj_free(&o);
	return err;
}
