/* core/banned.h - functions that are too easy to misuse (git's banned.h).
 * Included last by ks_common.h. Use ks_buf, snprintf, memcpy with an explicit
 * length, or strtoll with end-pointer and errno checks instead. */
#ifndef KS_CORE_BANNED_H
#define KS_CORE_BANNED_H

#define KS_BANNED(func) sorry_##func##_is_banned_in_this_project

#undef strcpy
#define strcpy(x, y) KS_BANNED(strcpy)
#undef strcat
#define strcat(x, y) KS_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) KS_BANNED(strncpy)
#undef sprintf
#define sprintf(...) KS_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) KS_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) KS_BANNED(strtok)
#undef atoi
#define atoi(x) KS_BANNED(atoi)
#undef gets
#define gets(x) KS_BANNED(gets)

#endif
