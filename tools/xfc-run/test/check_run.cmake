# Runs one xfc-run command line and checks what it did (used by
# tools/xfc-run/test/CMakeLists.txt; CTest cannot check an exit code and the
# output together by itself).
#
#   -DCOMMAND=prog|arg|...   the command, '|'-separated
#   -DEXPECT_EXIT=N          the required exit code
#   -DSTDOUT_REGEX=R         stdout must match R (optional)
#   -DSTDERR_REGEX=R         stderr must match R (optional); when the exit
#                            code is non-zero stderr must also be one line
#   -DJSON_KEYS=k|k|...      stdout must be a single JSON object with these
#                            keys, each a number (optional)
string(REPLACE "|" ";" command "${COMMAND}")
execute_process(COMMAND ${command}
                RESULT_VARIABLE exit_code
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
set(report "command: ${command}\nexit code: ${exit_code}\n--- stdout:\n${out}--- stderr:\n${err}---")

if(NOT exit_code STREQUAL EXPECT_EXIT)
  message(FATAL_ERROR "expected exit code ${EXPECT_EXIT}\n${report}")
endif()
if(NOT STDOUT_REGEX STREQUAL "" AND NOT out MATCHES "${STDOUT_REGEX}")
  message(FATAL_ERROR "stdout does not match '${STDOUT_REGEX}'\n${report}")
endif()
if(NOT STDERR_REGEX STREQUAL "" AND NOT err MATCHES "${STDERR_REGEX}")
  message(FATAL_ERROR "stderr does not match '${STDERR_REGEX}'\n${report}")
endif()
if(NOT EXPECT_EXIT STREQUAL "0" AND NOT err STREQUAL "")
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines line_count)
  if(NOT line_count EQUAL 1 OR NOT err MATCHES "^xfc-run: ")
    message(FATAL_ERROR "an error must be one line 'xfc-run: ...'\n${report}")
  endif()
endif()
if(NOT JSON_KEYS STREQUAL "")
  string(STRIP "${out}" stripped)
  if(NOT stripped MATCHES "^{[^\n]*}$")
    message(FATAL_ERROR "stdout is not a single JSON object line\n${report}")
  endif()
  string(JSON type ERROR_VARIABLE json_error TYPE "${stripped}")
  if(json_error OR NOT type STREQUAL "OBJECT")
    message(FATAL_ERROR "stdout is not a JSON object: ${json_error}\n${report}")
  endif()
  string(REPLACE "|" ";" keys "${JSON_KEYS}")
  foreach(key IN LISTS keys)
    string(JSON key_type ERROR_VARIABLE json_error TYPE "${stripped}" ${key})
    if(json_error OR NOT key_type STREQUAL "NUMBER")
      message(FATAL_ERROR "JSON key '${key}' is missing or not a number\n${report}")
    endif()
  endforeach()
endif()
