/*
 * sym.h - names for instruction addresses (sym.c): the function an
 * address lies in (ELF .symtab, else .dynsym, through libelf) and its
 * source line (DWARF line tables, through libdw), read from the guest's
 * own object files and cached per object.
 *
 * An object without a symbol table or line table of its own may have a
 * separate debug file, found as Debian installs them (the -dbg packages):
 * usr/lib/debug/.build-id/NN/REST.debug under the guest's root, by the
 * object's build id.
 */
#ifndef FAULTLINE_SYM_H
#define FAULTLINE_SYM_H

#include <stdbool.h>
#include <stdint.h>

struct sym_table;

/* What an address is called.  Strings belong to the table. */
struct sym_loc {
    const char *func;   /* NULL: in no known function */
    uint64_t func_off;  /* from the function's start */
    const char *src;    /* the source file's base name; NULL: no line table */
    unsigned line;
};

/* A table of no objects yet.  rootfd (not owned, may be -1) is the
 * directory debug files are looked for under.  NULL when out of memory. */
struct sym_table *sym_table_new(int rootfd);
void sym_table_free(struct sym_table *t);

/* Name the instruction at byte offset off of the file dev+ino (open on fd,
 * which is dup'ed the first time the file is seen, and read then).
 * Returns true when anything is known (out filled, NULLs for what is
 * not); false when the file is no ELF object or off is in no segment. */
bool sym_lookup(struct sym_table *t, uint64_t dev, uint64_t ino, int fd, uint64_t off,
                struct sym_loc *out);

#endif
