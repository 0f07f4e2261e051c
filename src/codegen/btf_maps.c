/*
 * btf_maps.c - BTF-defined maps and the debug info libbpf needs.
 *
 * libbpf reads map definitions from the BTF of globals in ".maps": an
 * anonymous struct whose members are pointers, `int (*type)[TYPE]`,
 * `int (*max_entries)[N]`, `K *key`, `V *value` (or key_size/value_size).
 * The BPF backend only emits that BTF for globals carrying a `dbg`
 * attachment, so every map global gets a DIGlobalVariableExpression built
 * with the DIBuilder, in a full-emission compile unit. Every program
 * function gets a DISubprogram with a named ctx parameter: the kernel
 * rejects BTF whose FUNC_PROTO has an unnamed argument. The object also
 * carries the "GPL" license the probe_read and ringbuf helpers need.
 */
#define CODEGEN_INTERNAL
#include <stdio.h>
#include <string.h>

#include "codegen.h"

#define DW_ATE_signed        0x05
#define DW_ATE_unsigned      0x08
#define DW_ATE_unsigned_char 0x08

static LLVMMetadataRef di_basic(struct cg *cg, const char *name, uint64_t bits, unsigned enc)
{
	return LLVMDIBuilderCreateBasicType(cg->di, name, strlen(name), bits, enc, LLVMDIFlagZero);
}

static LLVMMetadataRef di_ptr(struct cg *cg, LLVMMetadataRef to)
{
	return LLVMDIBuilderCreatePointerType(cg->di, to, 64, 0, 0, NULL, 0);
}

static LLVMMetadataRef di_array(struct cg *cg, LLVMMetadataRef elem, uint64_t elem_bits,
				uint64_t count)
{
	LLVMMetadataRef sub = LLVMDIBuilderGetOrCreateSubrange(cg->di, 0, (int64_t)count);

	return LLVMDIBuilderCreateArrayType(cg->di, elem_bits * count, 0, elem, &sub, 1);
}

/* `int (*name)[n]`: how a BTF map definition encodes an integer. */
static LLVMMetadataRef di_uint_member(struct cg *cg, LLVMMetadataRef scope, const char *name,
				      uint64_t n, uint64_t off_bits)
{
	LLVMMetadataRef t = di_ptr(cg, di_array(cg, di_basic(cg, "int", 32, DW_ATE_signed), 32, n));

	return LLVMDIBuilderCreateMemberType(cg->di, scope, name, strlen(name), cg->di_file, 0, 64,
					     0, off_bits, LLVMDIFlagZero, t);
}

/* Key and value types: u32/u64 when they are, otherwise bytes. */
static LLVMMetadataRef di_blob(struct cg *cg, uint32_t size)
{
	if (size == 4)
		return di_basic(cg, "unsigned int", 32, DW_ATE_unsigned);
	if (size == 8)
		return di_basic(cg, "unsigned long long", 64, DW_ATE_unsigned);
	return di_array(cg, di_basic(cg, "unsigned char", 8, DW_ATE_unsigned_char), 8, size);
}

static LLVMMetadataRef di_member(struct cg *cg, const char *name, LLVMMetadataRef to,
				 uint64_t off_bits)
{
	return LLVMDIBuilderCreateMemberType(cg->di, cg->di_file, name, strlen(name), cg->di_file,
					     0, 64, 0, off_bits, LLVMDIFlagZero, di_ptr(cg, to));
}

static LLVMValueRef define_map(struct cg *cg, const char *name, LLVMMetadataRef *members,
			       unsigned n)
{
	LLVMTypeRef fields[8];
	LLVMTypeRef st;
	LLVMValueRef g;
	LLVMMetadataRef dst, expr, gve;

	for (unsigned i = 0; i < n; i++)
		fields[i] = cg->ptr;
	st = LLVMStructTypeInContext(cg->ctx, fields, n, false);
	g = LLVMAddGlobal(cg->mod, st, name);
	LLVMSetInitializer(g, LLVMConstNull(st));
	LLVMSetSection(g, ".maps");
	LLVMSetAlignment(g, 8);
	dst = LLVMDIBuilderCreateStructType(cg->di, cg->di_file, "", 0, cg->di_file, 0, 64 * n, 0,
					    LLVMDIFlagZero, NULL, members, n, 0, NULL, "", 0);
	expr = LLVMDIBuilderCreateExpression(cg->di, NULL, 0);
	gve = LLVMDIBuilderCreateGlobalVariableExpression(cg->di, cg->di_cu, name, strlen(name), "",
							  0, cg->di_file, 0, dst, false, expr, NULL,
							  0);
	LLVMGlobalSetMetadata(g, LLVMGetMDKindIDInContext(cg->ctx, "dbg", 3), gve);
	vec_push(&cg->used, g);
	return g;
}

LLVMValueRef btf_map_define(struct cg *cg, const char *name, uint32_t map_type, uint32_t key_size,
			    uint32_t value_size, uint32_t max_entries)
{
	LLVMMetadataRef m[4];
	unsigned n = 0;

	m[n] = di_uint_member(cg, cg->di_file, "type", map_type, 64 * n), n++;
	m[n] = di_uint_member(cg, cg->di_file, "max_entries", max_entries, 64 * n), n++;
	if (key_size)
		m[n] = di_member(cg, "key", di_blob(cg, key_size), 64 * n), n++;
	if (value_size)
		m[n] = di_member(cg, "value", di_blob(cg, value_size), 64 * n), n++;
	return define_map(cg, name, m, n);
}

static LLVMMetadataRef di_int(struct cg *cg, uint32_t size, bool is_signed)
{
	static const char *const names[2][4] = {{"u8", "u16", "u32", "u64"},
						{"s8", "s16", "s32", "s64"}};
	int i = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;

	return di_basic(cg, names[is_signed][i], 8 * size,
			is_signed ? DW_ATE_signed : DW_ATE_unsigned);
}

static LLVMMetadataRef di_struct(struct cg *cg, LLVMMetadataRef *types, const uint32_t *offs,
				 const uint32_t *sizes, const char *const *names, unsigned n,
				 uint32_t size)
{
	LLVMMetadataRef m[64];
	char buf[16];

	if (n > ARRAY_SIZE(m))
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		const char *nm = names ? names[i] : buf;

		snprintf(buf, sizeof(buf), "f%u", i);
		m[i] = LLVMDIBuilderCreateMemberType(cg->di, cg->di_file, nm, strlen(nm),
						     cg->di_file, 0, 8ULL * sizes[i], 0,
						     8ULL * offs[i], LLVMDIFlagZero, types[i]);
	}
	return LLVMDIBuilderCreateStructType(cg->di, cg->di_file, "", 0, cg->di_file, 0,
					     8ULL * size, 0, LLVMDIFlagZero, NULL, m, n, 0, NULL,
					     "", 0);
}

/* The DI type of a value in STORAGE form, or NULL to fall back to bytes. */
static LLVMMetadataRef di_of(struct cg *cg, const struct type *t)
{
	switch (t->kind) {
	case T_INT:
		return t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8
			       ? di_int(cg, t->size, t->is_signed)
			       : NULL;
	case T_PTR:
	case T_KSTACK:
	case T_KSYM:
	case T_PROBE:
	case T_USERNAME:
		return t->size == 8 ? di_int(cg, 8, false) : NULL;
	case T_STR:
		return di_array(cg, di_basic(cg, "char", 8, 0x06), 8, t->size ? t->size : 1);
	case T_TUPLE: {
		LLVMMetadataRef types[64];
		uint32_t offs[64], sizes[64];

		if (t->count > ARRAY_SIZE(types) || !t->count)
			return NULL;
		for (uint32_t i = 0; i < t->count; i++) {
			types[i] = di_of(cg, t->fields[i].type);
			if (!types[i])
				return NULL;
			offs[i] = t->fields[i].offset;
			sizes[i] = t->fields[i].type->size;
		}
		return di_struct(cg, types, offs, sizes, NULL, t->count, t->size);
	}
	default:
		return NULL;
	}
}

static LLVMMetadataRef di_pair(struct cg *cg, const char *a, const char *b, bool sgn)
{
	LLVMMetadataRef types[] = {di_int(cg, 8, sgn), di_int(cg, 8, false)};
	static const uint32_t offs[] = {0, 8}, sizes[] = {8, 8};
	const char *names[] = {a, b};

	return di_struct(cg, types, offs, sizes, names, 2, 16);
}

static LLVMMetadataRef di_key(struct cg *cg, const struct bt_map *m)
{
	bool hist = m->agg == AGG_HIST || m->agg == AGG_LHIST;
	LLVMMetadataRef user, types[2];
	static const char *const names[] = {"key", "bucket"};
	uint32_t offs[2], sizes[2];

	if (m->is_array)
		return m->key_size == 4 ? di_int(cg, 4, false) : NULL;
	if (!m->key)
		return m->key_size == 8 ? di_int(cg, 8, false) : NULL;
	user = di_of(cg, m->key);
	if (!user || m->key_size != m->key->size + (hist ? 8 : 0))
		return NULL;
	if (!hist)
		return user;
	types[0] = user;
	types[1] = di_int(cg, 8, false);
	offs[0] = 0;
	offs[1] = m->key->size;
	sizes[0] = m->key->size;
	sizes[1] = 8;
	return di_struct(cg, types, offs, sizes, names, 2, m->key_size);
}

static LLVMMetadataRef di_value(struct cg *cg, const struct bt_map *m)
{
	bool sgn = m->value && m->value->is_signed;

	switch (m->agg) {
	case AGG_NONE:
		return m->value && m->value->size == m->value_size ? di_of(cg, m->value) : NULL;
	case AGG_COUNT:
	case AGG_HIST:
	case AGG_LHIST:
		return di_int(cg, 8, false);
	case AGG_SUM:
		return m->is_array ? di_pair(cg, "value", "set", sgn) : di_int(cg, 8, sgn);
	case AGG_MIN:
	case AGG_MAX:
		return di_pair(cg, "value", "set", sgn);
	default: /* avg, stats */
		return di_pair(cg, "total", "count", true);
	}
}

/* A user map, with its key and value described as their types (bytes when
 * a type has no plain C shape), so bpftool dumps them readably. */
LLVMValueRef btf_map_define_typed(struct cg *cg, const struct bt_map *m, uint32_t map_type)
{
	LLVMMetadataRef mm[4], k = di_key(cg, m), v = di_value(cg, m);
	unsigned n = 0;

	mm[n] = di_uint_member(cg, cg->di_file, "type", map_type, 64 * n), n++;
	mm[n] = di_uint_member(cg, cg->di_file, "max_entries", m->max_entries ? m->max_entries : 1,
			       64 * n),
	n++;
	mm[n] = di_member(cg, "key", k ? k : di_blob(cg, m->key_size), 64 * n), n++;
	mm[n] = di_member(cg, "value", v ? v : di_blob(cg, m->value_size), 64 * n), n++;
	return define_map(cg, m->elf_name, mm, n);
}

LLVMValueRef btf_map_define_sized(struct cg *cg, const char *name, uint32_t map_type,
				  uint32_t key_size, uint32_t value_size, uint32_t max_entries)
{
	LLVMMetadataRef m[4];
	unsigned n = 0;

	m[n] = di_uint_member(cg, cg->di_file, "type", map_type, 64 * n), n++;
	m[n] = di_uint_member(cg, cg->di_file, "max_entries", max_entries, 64 * n), n++;
	m[n] = di_uint_member(cg, cg->di_file, "key_size", key_size, 64 * n), n++;
	m[n] = di_uint_member(cg, cg->di_file, "value_size", value_size, 64 * n), n++;
	return define_map(cg, name, m, n);
}

void btf_function(struct cg *cg, LLVMValueRef fn, const char *name)
{
	LLVMMetadataRef types[2], fty, sp, var;

	types[0] = di_basic(cg, "int", 32, DW_ATE_signed);
	types[1] = LLVMDIBuilderCreatePointerType(cg->di, NULL, 64, 0, 0, NULL, 0);
	fty = LLVMDIBuilderCreateSubroutineType(cg->di, cg->di_file, types, 2,
						LLVMDIFlagPrototyped);
	sp = LLVMDIBuilderCreateFunction(cg->di, cg->di_file, name, strlen(name), "", 0,
					 cg->di_file, 1, fty, false, true, 1, LLVMDIFlagPrototyped,
					 true);
	var = LLVMDIBuilderCreateParameterVariable(cg->di, sp, "ctx", 3, 1, cg->di_file, 1,
						   types[1], true, LLVMDIFlagZero);
	(void)var;
	LLVMSetSubprogram(fn, sp);
}

void btf_callback(struct cg *cg, LLVMValueRef fn, const char *name)
{
	static const char *const args[] = {"map", "key", "value", "ctx"};
	LLVMMetadataRef types[5], fty, sp;

	types[0] = di_basic(cg, "long", 64, DW_ATE_signed);
	for (int i = 1; i < 5; i++)
		types[i] = LLVMDIBuilderCreatePointerType(cg->di, NULL, 64, 0, 0, NULL, 0);
	fty = LLVMDIBuilderCreateSubroutineType(cg->di, cg->di_file, types, 5,
						LLVMDIFlagPrototyped);
	sp = LLVMDIBuilderCreateFunction(cg->di, cg->di_file, name, strlen(name), "", 0,
					 cg->di_file, 1, fty, true, true, 1, LLVMDIFlagPrototyped,
					 true);
	for (unsigned i = 0; i < 4; i++)
		LLVMDIBuilderCreateParameterVariable(cg->di, sp, args[i], strlen(args[i]), i + 1,
						     cg->di_file, 1, types[i + 1], true,
						     LLVMDIFlagZero);
	LLVMSetSubprogram(fn, sp);
}

void btf_shared_body(struct cg *cg, LLVMValueRef fn, const char *name)
{
	LLVMMetadataRef types[3], fty, sp;

	types[0] = di_basic(cg, "int", 32, DW_ATE_signed);
	types[1] = LLVMDIBuilderCreatePointerType(cg->di, NULL, 64, 0, 0, NULL, 0);
	types[2] = di_basic(cg, "long", 64, DW_ATE_signed);
	fty = LLVMDIBuilderCreateSubroutineType(cg->di, cg->di_file, types, 3,
						LLVMDIFlagPrototyped);
	sp = LLVMDIBuilderCreateFunction(cg->di, cg->di_file, name, strlen(name), "", 0,
					 cg->di_file, 1, fty, true, true, 1, LLVMDIFlagPrototyped,
					 true);
	LLVMDIBuilderCreateParameterVariable(cg->di, sp, "ctx", 3, 1, cg->di_file, 1, types[1],
					     true, LLVMDIFlagZero);
	LLVMDIBuilderCreateParameterVariable(cg->di, sp, "probe", 5, 2, cg->di_file, 1, types[2],
					     true, LLVMDIFlagZero);
	LLVMSetSubprogram(fn, sp);
}

void btf_init(struct cg *cg)
{
	static const char license[] = "GPL";
	LLVMValueRef lic;

	cg->di = LLVMCreateDIBuilder(cg->mod);
	cg->di_file = LLVMDIBuilderCreateFile(cg->di, "tracetop.bt", 11, ".", 1);
	cg->di_cu = LLVMDIBuilderCreateCompileUnit(
		cg->di, LLVMDWARFSourceLanguageC11, cg->di_file, "tracetop", 8, true, "", 0, 0, "",
		0, LLVMDWARFEmissionFull, 0, false, false, "", 0, "", 0);
	LLVMAddModuleFlag(cg->mod, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18,
			  LLVMValueAsMetadata(ir_const32(cg, LLVMDebugMetadataVersion())));
	LLVMAddModuleFlag(cg->mod, LLVMModuleFlagBehaviorWarning, "Dwarf Version", 13,
			  LLVMValueAsMetadata(ir_const32(cg, 5)));

	lic = LLVMAddGlobal(cg->mod, LLVMArrayType2(cg->i8, sizeof(license)), "LICENSE");
	LLVMSetInitializer(lic,
			   LLVMConstStringInContext(cg->ctx, license, sizeof(license) - 1, false));
	LLVMSetSection(lic, "license");
	LLVMSetAlignment(lic, 1);
	vec_push(&cg->used, lic);
}

/* Keep every map and the license through -O2 and finish the debug info. */
void btf_finish(struct cg *cg)
{
	LLVMTypeRef at;
	LLVMValueRef used;

	if (cg->used.len) {
		at = LLVMArrayType2(cg->ptr, cg->used.len);
		used = LLVMAddGlobal(cg->mod, at, "llvm.compiler.used");
		LLVMSetLinkage(used, LLVMAppendingLinkage);
		LLVMSetSection(used, "llvm.metadata");
		LLVMSetInitializer(used, LLVMConstArray2(cg->ptr, (LLVMValueRef *)cg->used.items,
							 cg->used.len));
	}
	LLVMDIBuilderFinalize(cg->di);
}
