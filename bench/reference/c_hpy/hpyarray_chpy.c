/* hpyarray_chpy: the benchmark reference for examples/array, written in C against HPy 0.9.
 *
 * It has exactly the Python API of the Rust module `hpyarray` (examples/array/src/lib.rs): a
 * one-dimensional float64 array type with indexing, arithmetic, len(), repr() and the buffer
 * protocol, plus empty(n) and zeros(n). Each operation is as direct as idiomatic C HPy allows,
 * so that the benchmark measures what hpy-rs adds. Built in both HPy ABIs by setup.py.
 */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpy.h"

/* PEP 3118 request flags (HPy 0.9 does not name them; the values are fixed by the protocol). */
#define BUF_WRITABLE 0x0001
#define BUF_FORMAT 0x0004
#define BUF_ND 0x0008
#define BUF_STRIDES (0x0010 | BUF_ND)

typedef struct {
    double *data;           /* malloc'd, at least one item so that buffers never point at NULL */
    HPy_ssize_t size;       /* number of items; also the buffer's shape */
    HPy_ssize_t exports;    /* live buffer exports: a[i] = x is refused while any exists */
} ArrayObject;

HPyType_HELPERS(ArrayObject)

// ANCHOR: global_decl
/* The type, for functions that create arrays or must recognise them among operands. */
static HPyGlobal ArrayType;
// ANCHOR_END: global_decl

static char array_format[] = "d";
static HPy_ssize_t array_stride = sizeof(double);

/* A new array of `size` items, its struct in *out. The items are zeroed only when `zeroed`
   (zeros/empty, like Rust's `vec![0.0; n]`); the other callers write every item, and use
   malloc as Rust's `collect` does, so both sides pay for the same allocation. */
static HPy array_alloc(HPyContext *ctx, HPy type, HPy_ssize_t size, int zeroed, ArrayObject **out)
{
    if ((size_t)size > (size_t)HPY_SSIZE_T_MAX / sizeof(double))
        return HPyErr_NoMemory(ctx);
    ArrayObject *array;
    HPy h = HPy_New(ctx, type, &array);
    if (HPy_IsNull(h))
        return HPy_NULL;
    size_t count = size ? (size_t)size : 1;
    array->data = zeroed ? calloc(count, sizeof(double)) : malloc(count * sizeof(double));
    if (array->data == NULL) {
        HPy_Close(ctx, h);  /* tp_destroy frees nothing: data is NULL */
        return HPyErr_NoMemory(ctx);
    }
    array->size = size;
    array->exports = 0;
    *out = array;
    return h;
}

HPyDef_SLOT(array_destroy, HPy_tp_destroy)
static void array_destroy_impl(void *obj)
{
    free(((ArrayObject *)obj)->data);
}

/* A new array with the items of `items`, a list or tuple of numbers (as for the Rust `Vec<f64>`
   argument: other iterables are refused). */
static HPy array_from_items(HPyContext *ctx, HPy type, HPy items)
{
    if (!HPyList_Check(ctx, items) && !HPyTuple_Check(ctx, items))
        return HPyErr_SetString(ctx, ctx->h_TypeError,
                                "array() argument 'items' must be a list or tuple");
    HPy_ssize_t size = HPy_Length(ctx, items);
    if (size < 0)
        return HPy_NULL;
    ArrayObject *array;
    HPy result = array_alloc(ctx, type, size, 0, &array);
    if (HPy_IsNull(result))
        return HPy_NULL;
    for (HPy_ssize_t i = 0; i < size; i++) {
        HPy item = HPy_GetItem_i(ctx, items, i);
        if (HPy_IsNull(item))
            goto error;
        double value = HPyFloat_AsDouble(ctx, item);
        HPy_Close(ctx, item);
        if (value == -1.0 && HPyErr_Occurred(ctx))
            goto error;
        array->data[i] = value;
    }
    return result;
error:
    HPy_Close(ctx, result);
    return HPy_NULL;
}

/* array(items) or array(items=...). One parameter is parsed by hand: cheaper than
   HPyArg_ParseKeywordsDict, and it also rejects unknown keywords. */
HPyDef_SLOT(array_new, HPy_tp_new)
static HPy array_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    HPy_ssize_t nkw = HPy_IsNull(kw) ? 0 : HPy_Length(ctx, kw);
    if (nkw < 0)
        return HPy_NULL;
    if (nargs + nkw != 1)
        return HPyErr_Format(ctx, ctx->h_TypeError,
                             "array() takes exactly one argument (%zd given)", nargs + nkw);
    if (nargs == 1)
        return array_from_items(ctx, type, args[0]);
    HPy items = HPy_GetItem_s(ctx, kw, "items");
    if (HPy_IsNull(items)) {
        if (HPyErr_ExceptionMatches(ctx, ctx->h_KeyError))
            HPyErr_SetString(ctx, ctx->h_TypeError, "array() got an unexpected keyword argument");
        return HPy_NULL;
    }
    HPy result = array_from_items(ctx, type, items);
    HPy_Close(ctx, items);
    return result;
}

HPyDef_GET(array_size, "size", .doc = "The number of items.")
static HPy array_size_get(HPyContext *ctx, HPy self, void *closure)
{
    return HPyLong_FromSsize_t(ctx, ArrayObject_AsStruct(ctx, self)->size);
}

HPyDef_METH(array_tolist, "tolist", HPyFunc_NOARGS,
            .doc = "tolist() -> the items as a list of floats")
static HPy array_tolist_impl(HPyContext *ctx, HPy self)
{
    ArrayObject *array = ArrayObject_AsStruct(ctx, self);
    HPyListBuilder builder = HPyListBuilder_New(ctx, array->size);
    for (HPy_ssize_t i = 0; i < array->size; i++) {
        HPy item = HPyFloat_FromDouble(ctx, array->data[i]);
        if (HPy_IsNull(item)) {
            HPyListBuilder_Cancel(ctx, builder);
            return HPy_NULL;
        }
        HPyListBuilder_Set(ctx, builder, i, item);  /* does not steal */
        HPy_Close(ctx, item);
    }
    return HPyListBuilder_Build(ctx, builder);
}

/* len() fills both mp_length and sq_length, like the Rust `__len__`; one impl per slot
   because each HPyDef_SLOT declares its own function. */
static inline HPy_ssize_t array_len(HPyContext *ctx, HPy self)
{
    return ArrayObject_AsStruct(ctx, self)->size;
}

HPyDef_SLOT(array_mp_length, HPy_mp_length)
static HPy_ssize_t array_mp_length_impl(HPyContext *ctx, HPy self)
{
    return array_len(ctx, self);
}

HPyDef_SLOT(array_sq_length, HPy_sq_length)
static HPy_ssize_t array_sq_length_impl(HPyContext *ctx, HPy self)
{
    return array_len(ctx, self);
}

/* The position of Python index `key` (negative counts from the end), or -1 with an exception.
   HPyLong_AsInt64_t accepts __index__ objects and raises OverflowError for huge ints, as the
   Rust `isize` argument does. */
static HPy_ssize_t array_position(HPyContext *ctx, ArrayObject *array, HPy key)
{
    int64_t index = HPyLong_AsInt64_t(ctx, key);
    if (index == -1 && HPyErr_Occurred(ctx))
        return -1;
    if (index < 0)
        index += array->size;
    if (index < 0 || index >= array->size) {
        HPyErr_SetString(ctx, ctx->h_IndexError, "array index out of range");
        return -1;
    }
    return (HPy_ssize_t)index;
}

HPyDef_SLOT(array_getitem, HPy_mp_subscript)
static HPy array_getitem_impl(HPyContext *ctx, HPy self, HPy key)
{
    ArrayObject *array = ArrayObject_AsStruct(ctx, self);
    HPy_ssize_t position = array_position(ctx, array, key);
    if (position < 0)
        return HPy_NULL;
    return HPyFloat_FromDouble(ctx, array->data[position]);
}

HPyDef_SLOT(array_setitem, HPy_mp_ass_subscript)
static int array_setitem_impl(HPyContext *ctx, HPy self, HPy key, HPy value)
{
    if (HPy_IsNull(value)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "'array' object does not support item deletion");
        return -1;
    }
    ArrayObject *array = ArrayObject_AsStruct(ctx, self);
    /* An exported buffer promises its consumer that the items do not change. */
    if (array->exports > 0) {
        HPyErr_SetString(ctx, ctx->h_RuntimeError, "array object is already borrowed");
        return -1;
    }
    HPy_ssize_t position = array_position(ctx, array, key);
    if (position < 0)
        return -1;
    double number = HPyFloat_AsDouble(ctx, value);
    if (number == -1.0 && HPyErr_Occurred(ctx))
        return -1;
    array->data[position] = number;
    return 0;
}

/* The float value of a binary operand. Returns 0 on success, 1 if the operand is not a number
   (TypeError, cleared: the caller returns NotImplemented), -1 on any other error. */
static int operand_as_double(HPyContext *ctx, HPy operand, double *out)
{
    double value = HPyFloat_AsDouble(ctx, operand);
    if (value == -1.0 && HPyErr_Occurred(ctx)) {
        if (!HPyErr_ExceptionMatches(ctx, ctx->h_TypeError))
            return -1;
        HPyErr_Clear(ctx);
        return 1;
    }
    *out = value;
    return 0;
}

/* a * x and x * a: CPython calls this slot with the array on either side. */
HPyDef_SLOT(array_multiply, HPy_nb_multiply)
static HPy array_multiply_impl(HPyContext *ctx, HPy left, HPy right)
{
    HPy type = HPyGlobal_Load(ctx, ArrayType);
    HPy self = left, other = right;
    if (!HPy_TypeCheck(ctx, left, type)) {
        self = right;
        other = left;
    }
    double factor;
    int status = operand_as_double(ctx, other, &factor);
    if (status != 0) {
        HPy_Close(ctx, type);
        return status > 0 ? HPy_Dup(ctx, ctx->h_NotImplemented) : HPy_NULL;
    }
    ArrayObject *array = ArrayObject_AsStruct(ctx, self), *product;
    HPy result = array_alloc(ctx, type, array->size, 0, &product);
    HPy_Close(ctx, type);
    if (HPy_IsNull(result))
        return HPy_NULL;
    for (HPy_ssize_t i = 0; i < array->size; i++)
        product->data[i] = array->data[i] * factor;
    return result;
}

/* a / x only: x / a is NotImplemented, as the Rust type defines no __rtruediv__. */
HPyDef_SLOT(array_divide, HPy_nb_true_divide)
static HPy array_divide_impl(HPyContext *ctx, HPy left, HPy right)
{
    HPy type = HPyGlobal_Load(ctx, ArrayType);
    double divisor;
    int status = HPy_TypeCheck(ctx, left, type) ? operand_as_double(ctx, right, &divisor) : 1;
    if (status != 0) {
        HPy_Close(ctx, type);
        return status > 0 ? HPy_Dup(ctx, ctx->h_NotImplemented) : HPy_NULL;
    }
    if (divisor == 0.0) {
        HPy_Close(ctx, type);
        return HPyErr_SetString(ctx, ctx->h_ZeroDivisionError, "array division by zero");
    }
    ArrayObject *array = ArrayObject_AsStruct(ctx, left), *quotient;
    HPy result = array_alloc(ctx, type, array->size, 0, &quotient);
    HPy_Close(ctx, type);
    if (HPy_IsNull(result))
        return HPy_NULL;
    for (HPy_ssize_t i = 0; i < array->size; i++)
        quotient->data[i] = array->data[i] / divisor;
    return result;
}

/* a + b, both arrays of the same size. */
HPyDef_SLOT(array_add, HPy_nb_add)
static HPy array_add_impl(HPyContext *ctx, HPy left, HPy right)
{
    HPy type = HPyGlobal_Load(ctx, ArrayType);
    if (!HPy_TypeCheck(ctx, left, type) || !HPy_TypeCheck(ctx, right, type)) {
        HPy_Close(ctx, type);
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    }
    ArrayObject *a = ArrayObject_AsStruct(ctx, left), *b = ArrayObject_AsStruct(ctx, right), *sum;
    if (a->size != b->size) {
        HPy_Close(ctx, type);
        return HPyErr_Format(ctx, ctx->h_ValueError, "cannot add arrays of sizes %zd and %zd",
                             a->size, b->size);
    }
    HPy result = array_alloc(ctx, type, a->size, 0, &sum);
    HPy_Close(ctx, type);
    if (HPy_IsNull(result))
        return HPy_NULL;
    for (HPy_ssize_t i = 0; i < a->size; i++)
        sum->data[i] = a->data[i] + b->data[i];
    return result;
}

/* Longest item write_double produces ("-1.7976931348623157e308", "-0.00010000000000000002"). */
#define MAX_ITEM_CHARS 32

/* Splits "d.ddde±XX" (printf's %e of a non-negative number) into its digits and decimal
   exponent; returns the number of digits. */
static int split_sci(const char *sci, char *digits, int *exponent)
{
    int ndigits = 0;
    for (; *sci != 'e'; sci++)
        if (*sci != '.')
            digits[ndigits++] = *sci;
    *exponent = atoi(sci + 1);
    return ndigits;
}

/* The double nearest to d1.d2...dn × 10^exponent. */
static double join_sci(const char *digits, int ndigits, int exponent)
{
    char text[48];
    memcpy(text, digits, ndigits);
    snprintf(text + ndigits, sizeof text - ndigits, "e%d", exponent - ndigits + 1);
    return strtod(text, NULL);
}

/* Finds the shortest digits that read back as `magnitude` (finite, >= 0), the closest such
   when there are several, as Rust and Python print floats. Returns the number of digits.
   (An exact tie between two 17-digit candidates goes to the even one here, as in Python, but
   up in Rust: 78 of 507,195 sampled doubles, e.g. 1059438285926254.25.) */
static int shortest_digits(double magnitude, char *digits, int *exponent)
{
    char sci[40];
    int ndigits = 0;
    int power_of_two_exponent;
    int asymmetric = magnitude >= DBL_MIN && frexp(magnitude, &power_of_two_exponent) == 0.5;
    /* %.*e rounds correctly, so the first length whose nearest decimal reads back is the
       shortest; 17 significant digits (precision 16) always read back. For normal numbers the
       search can start at 15 digits: every decimal of up to 15 digits (DBL_DIG) survives the
       trip to double and back, so if any that short reads back, the 15-digit one is it padded
       with zeros. Subnormals have fewer bits and need the whole search. */
    for (int precision = magnitude >= DBL_MIN ? 14 : 0; precision <= 16; precision++) {
        snprintf(sci, sizeof sci, "%.*e", precision, magnitude);
        ndigits = split_sci(sci, digits, exponent);
        double back = strtod(sci, NULL);
        if (back == magnitude)
            return ndigits;
        if (back < magnitude && asymmetric) {
            /* At a power of two the gap below is half the gap above: the nearest decimal may
               fall short while the next one up still reads back. */
            char up[20];
            int up_exponent = *exponent, i = ndigits - 1;
            memcpy(up, digits, ndigits);
            while (i >= 0 && up[i] == '9')
                up[i--] = '0';
            if (i >= 0) {
                up[i]++;
            } else {
                up[0] = '1';
                up_exponent++;
            }
            if (join_sci(up, ndigits, up_exponent) == magnitude) {
                memcpy(digits, up, ndigits);
                *exponent = up_exponent;
                return ndigits;
            }
        }
    }
    return ndigits;
}

/* Writes `value` as Rust's `{:?}` prints an f64 (the shortest digits that read back as the same
   value; exponent form below 1e-4 and from 1e16 on; "NaN", "inf") and returns the length. */
static int write_double(char *out, double value)
{
    if (isnan(value)) {
        memcpy(out, "NaN", 3);
        return 3;
    }
    if (isinf(value)) {
        if (value > 0) {
            memcpy(out, "inf", 3);
            return 3;
        }
        memcpy(out, "-inf", 4);
        return 4;
    }

    char *o = out;
    if (signbit(value))
        *o++ = '-';
    double magnitude = fabs(value);
    if (magnitude < 1e16 && magnitude == floor(magnitude)) {
        /* Integers below 1e16 print whole (their shortest digits are their own) with ".0";
           the common case, so without the search below. */
        char reversed[20];
        int n = 0;
        unsigned long long integer = (unsigned long long)magnitude;
        do {
            reversed[n++] = (char)('0' + integer % 10);
            integer /= 10;
        } while (integer != 0);
        while (n > 0)
            *o++ = reversed[--n];
        memcpy(o, ".0", 2);
        return (int)(o + 2 - out);
    }
    char digits[20];
    int exponent;
    int ndigits = shortest_digits(magnitude, digits, &exponent);
    while (ndigits > 1 && digits[ndigits - 1] == '0')
        ndigits--;

    if (magnitude != 0.0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
        *o++ = digits[0];
        if (ndigits > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, ndigits - 1);
            o += ndigits - 1;
        }
        o += sprintf(o, "e%d", exponent);
    } else if (exponent < 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = -1; i > exponent; i--)
            *o++ = '0';
        memcpy(o, digits, ndigits);
        o += ndigits;
    } else {
        for (int i = 0; i <= exponent; i++)
            *o++ = i < ndigits ? digits[i] : '0';
        *o++ = '.';
        if (ndigits > exponent + 1) {
            memcpy(o, digits + exponent + 1, ndigits - exponent - 1);
            o += ndigits - exponent - 1;
        } else {
            *o++ = '0';
        }
    }
    *o = '\0';
    return (int)(o - out);
}

/* repr(a) == "array([1.0, 2.5])", as Rust's format!("array({:?})", vec) prints it. */
HPyDef_SLOT(array_repr, HPy_tp_repr)
static HPy array_repr_impl(HPyContext *ctx, HPy self)
{
    ArrayObject *array = ArrayObject_AsStruct(ctx, self);
    if ((size_t)array->size > (SIZE_MAX - 16) / (MAX_ITEM_CHARS + 2))
        return HPyErr_NoMemory(ctx);
    char *text = malloc(16 + (size_t)array->size * (MAX_ITEM_CHARS + 2));
    if (text == NULL)
        return HPyErr_NoMemory(ctx);
    char *o = text;
    memcpy(o, "array([", 7);
    o += 7;
    for (HPy_ssize_t i = 0; i < array->size; i++) {
        if (i > 0) {
            *o++ = ',';
            *o++ = ' ';
        }
        o += write_double(o, array->data[i]);
    }
    memcpy(o, "])", 2);
    o += 2;
    HPy result = HPyUnicode_DecodeASCII(ctx, text, o - text, NULL);
    free(text);
    return result;
}

/* The items as one read-only, C-contiguous block of "d" values. */
HPyDef_SLOT(array_getbuffer, HPy_bf_getbuffer)
static int array_getbuffer_impl(HPyContext *ctx, HPy self, HPy_buffer *view, int flags)
{
    if (flags & BUF_WRITABLE) {
        view->obj = HPy_NULL;
        HPyErr_SetString(ctx, ctx->h_BufferError, "the buffer is read-only");
        return -1;
    }
    ArrayObject *array = ArrayObject_AsStruct(ctx, self);
    view->buf = array->data;
    view->obj = HPy_Dup(ctx, self);
    view->len = array->size * (HPy_ssize_t)sizeof(double);
    view->itemsize = sizeof(double);
    view->readonly = 1;
    view->ndim = 1;
    view->format = (flags & BUF_FORMAT) ? array_format : NULL;
    view->shape = (flags & BUF_ND) ? &array->size : NULL;
    view->strides = (flags & BUF_STRIDES) == BUF_STRIDES ? &array_stride : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    array->exports++;
    return 0;
}

HPyDef_SLOT(array_releasebuffer, HPy_bf_releasebuffer)
static void array_releasebuffer_impl(HPyContext *ctx, HPy self, HPy_buffer *view)
{
    ArrayObject_AsStruct(ctx, self)->exports--;
}

static HPyDef *array_defines[] = {
    &array_new,
    &array_destroy,
    &array_size,
    &array_tolist,
    &array_mp_length,
    &array_sq_length,
    &array_getitem,
    &array_setitem,
    &array_multiply,
    &array_divide,
    &array_add,
    &array_repr,
    &array_getbuffer,
    &array_releasebuffer,
    NULL,
};

/* No BASETYPE flag: final, like the Rust class. */
static HPyType_Spec array_spec = {
    .name = "hpyarray_chpy.array",
    .basicsize = sizeof(ArrayObject),
    .flags = HPy_TPFLAGS_DEFAULT,
    .builtin_shape = SHAPE(ArrayObject),
    .defines = array_defines,
    .doc = "array(items): a one-dimensional array of float64 values, copied from a list of "
           "numbers.",
};

/* ---- module functions ------------------------------------------------------------------- */

/* The size argument of empty() and zeros(): a non-negative int (OverflowError if negative,
   TypeError if not an int, as for the Rust `usize`). */
static HPy new_zeroed(HPyContext *ctx, HPy n)
{
    size_t size = HPyLong_AsSize_t(ctx, n);
    if (size == (size_t)-1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    if (size > (size_t)HPY_SSIZE_T_MAX)
        return HPyErr_NoMemory(ctx);
    HPy type = HPyGlobal_Load(ctx, ArrayType);
    ArrayObject *array;
    HPy result = array_alloc(ctx, type, (HPy_ssize_t)size, 1, &array);
    HPy_Close(ctx, type);
    return result;
}

/* empty() zeroes too (calloc), like the Rust one: results never depend on old memory. */
HPyDef_METH(empty, "empty", HPyFunc_O, .doc = "empty(n) -> an array of n items")
static HPy empty_impl(HPyContext *ctx, HPy self, HPy n)
{
    return new_zeroed(ctx, n);
}

HPyDef_METH(zeros, "zeros", HPyFunc_O, .doc = "zeros(n) -> an array of n zeros")
static HPy zeros_impl(HPyContext *ctx, HPy self, HPy n)
{
    return new_zeroed(ctx, n);
}

// ANCHOR: global_store
HPyDef_SLOT(hpyarray_exec, HPy_mod_exec)
static int hpyarray_exec_impl(HPyContext *ctx, HPy module)
{
    HPy type = HPyType_FromSpec(ctx, &array_spec, NULL);
    if (HPy_IsNull(type))
        return -1;
    HPyGlobal_Store(ctx, &ArrayType, type);
    int result = HPy_SetAttr_s(ctx, module, "array", type);
    HPy_Close(ctx, type);
    return result;
}

static HPyDef *module_defines[] = {
    &empty,
    &zeros,
    &hpyarray_exec,
    NULL,
};

static HPyGlobal *module_globals[] = {
    &ArrayType,
    NULL,
};

static HPyModuleDef moduledef = {
    .doc = "A one-dimensional float64 array type, in C (HPy).",
    .size = 0,
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(hpyarray_chpy, moduledef)
// ANCHOR_END: global_store
