; Installer of «Личный кабинет» (Kabinet) for Windows, built on Linux with
; makensis (Debian package nsis) by packaging/dist.sh:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.4.0 -DDISTDIR=/abs/dist \
;            [-DICON=/abs/kabinet.ico] packaging/windows/kabinet.nsi
;
; Per-user by default (no admin rights): %LOCALAPPDATA%\Programs\Kabinet.
; For all users (%ProgramFiles%\Kabinet) when started elevated ("Run as
; administrator") or with /ALLUSERS; /CURRENTUSER forces per-user.
;
; Silent install for librarians:
;   Kabinet-Setup-0.4.0.exe /S /PORTAL=https://lk.example.ru /PUBLIC
; writes kabinet.json beside kabinet.exe: {"portal": "...", "public": true}
; (/HOME instead of /PUBLIC writes "public": false; /D=dir must be last).
;
; Uninstall: asks whether to delete the person's data; silent uninstall
; (/S) keeps it unless /REMOVEDATA is given.
;
; «Запускать вместе с Windows» is an unticked box on the last page: ticked,
; it writes the value Kabinet under HKCU\Software\Microsoft\Windows\
; CurrentVersion\Run (the user who installs). A silent install never shows
; the page, and with /PUBLIC the box is hidden: a library's computer does
; not start anyone's personal account. The uninstaller removes the value.

; A 64-bit installer for a 64-bit program: Windows itself refuses it on a
; 32-bit system with its own message, and Wine 64 (the smoke test) runs it.
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef DISTDIR
  !define DISTDIR "..\..\dist"
!endif

!define APPNAME "Личный кабинет"
!define APPDIR "Kabinet"
!define EXE "kabinet.exe"
!define PUBLISHER "АО «Коми энергосбытовая компания»"
!define WEBSITE "https://www.komiesc.ru"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\ru.komiesc.kabinet"
!define RUNKEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define RUNVALUE "Kabinet"
; The app's desktop reminders register it with Windows' notification centre
; under this key (internal/notify.AppID).
!define TOASTKEY "Software\Classes\AppUserModelId\Kabinet"

Name "${APPNAME}"
OutFile "${DISTDIR}\Kabinet-Setup-${VERSION}.exe"
InstallDir "$LOCALAPPDATA\Programs\${APPDIR}"
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1049 "ProductName" "Kabinet"
VIAddVersionKey /LANG=1049 "FileDescription" "Установка программы «${APPNAME}»"
VIAddVersionKey /LANG=1049 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1049 "LegalCopyright" "${PUBLISHER}"
VIAddVersionKey /LANG=1049 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1049 "ProductVersion" "${VERSION}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "x64.nsh"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Запустить «${APPNAME}»"
; The second box of the last page, unticked: start with Windows.
!define MUI_FINISHPAGE_SHOWREADME ""
!define MUI_FINISHPAGE_SHOWREADME_NOTCHECKED
!define MUI_FINISHPAGE_SHOWREADME_TEXT "Запускать вместе с Windows"
!define MUI_FINISHPAGE_SHOWREADME_FUNCTION AddAutostart
!define MUI_PAGE_CUSTOMFUNCTION_SHOW FinishShow

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Russian"

Var AllUsers   ; 1: for all users (HKLM, Program Files, common shortcuts)
Var Portal     ; /PORTAL=...
Var Kind       ; "" (not given), "true" (/PUBLIC) or "false" (/HOME)

Function .onInit
  SetRegView 64

  ${GetParameters} $R0
  UserInfo::GetAccountType
  Pop $R1
  StrCpy $AllUsers 0
  ${If} $R1 == "Admin"
    StrCpy $AllUsers 1
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R2
  ${IfNot} ${Errors}
    ${If} $R1 != "Admin"
      MessageBox MB_ICONSTOP "Для установки для всех пользователей запустите установщик от имени администратора." /SD IDOK
      SetErrorLevel 740 ; ERROR_ELEVATION_REQUIRED
      Quit
    ${EndIf}
    StrCpy $AllUsers 1
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/CURRENTUSER" $R2
  ${IfNot} ${Errors}
    StrCpy $AllUsers 0
  ${EndIf}

  ${If} $AllUsers == 1
    ; /D= sets $INSTDIR before .onInit: keep it when given. Compared before
    ; SetShellVarContext all, which makes $LOCALAPPDATA the all-users one.
    ${If} $INSTDIR == "$LOCALAPPDATA\Programs\${APPDIR}"
      StrCpy $INSTDIR "$PROGRAMFILES64\${APPDIR}"
    ${EndIf}
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}

  ; Preset options.
  StrCpy $Portal ""
  StrCpy $Kind ""
  Call PortalArg
  ${If} $Portal != ""
    Call CheckPortal
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/PUBLIC" $R2
  ${IfNot} ${Errors}
    StrCpy $Kind "true"
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/HOME" $R2
  ${IfNot} ${Errors}
    ${If} $Kind == "true"
      MessageBox MB_ICONSTOP "Ключи /PUBLIC и /HOME нельзя задавать вместе." /SD IDOK
      SetErrorLevel 2
      Quit
    ${EndIf}
    StrCpy $Kind "false"
  ${EndIf}
FunctionEnd

; PortalArg sets $Portal to what follows /PORTAL= in the parameters ($R0),
; up to the next space, without surrounding quotes. GetOptions cannot do it:
; it ends a value at the next "/", and every address has two.
Function PortalArg
  StrCpy $Portal ""
  StrLen $R5 $R0
  StrCpy $R6 0
  ${While} $R6 < $R5
    StrCpy $R7 $R0 8 $R6
    ${If} $R7 == "/PORTAL="
      IntOp $R6 $R6 + 8
      StrCpy $R7 $R0 1 $R6
      StrCpy $R9 " "
      ${If} $R7 == '"'
        StrCpy $R9 '"'
        IntOp $R6 $R6 + 1
      ${EndIf}
      StrCpy $R8 $R6
      ${While} $R8 < $R5
        StrCpy $R7 $R0 1 $R8
        ${If} $R7 == $R9
          ${Break}
        ${EndIf}
        IntOp $R8 $R8 + 1
      ${EndWhile}
      IntOp $R8 $R8 - $R6
      StrCpy $Portal $R0 $R8 $R6
      Return
    ${EndIf}
    IntOp $R6 $R6 + 1
  ${EndWhile}
FunctionEnd

; CheckPortal quits unless $Portal is an http(s) address that needs no JSON
; escaping (no quote, backslash, space or control character).
Function CheckPortal
  StrCpy $R3 $Portal 8
  StrCpy $R4 $Portal 7
  ${If} $R3 != "https://"
  ${AndIf} $R4 != "http://"
    Goto bad
  ${EndIf}
  StrLen $R5 $Portal
  StrCpy $R6 0
  ${While} $R6 < $R5
    StrCpy $R7 $Portal 1 $R6
    ${If} $R7 == '"'
    ${OrIf} $R7 == "\"
    ${OrIf} $R7 == " "
    ${OrIf} $R7 == "$\t"
    ${OrIf} $R7 == "$\r"
    ${OrIf} $R7 == "$\n"
      Goto bad
    ${EndIf}
    IntOp $R6 $R6 + 1
  ${EndWhile}
  Return
bad:
  MessageBox MB_ICONSTOP "Неверный адрес портала в ключе /PORTAL: $Portal$\r$\nНужен адрес вида https://lk.example.ru" /SD IDOK
  SetErrorLevel 2
  Quit
FunctionEnd

Section "Программа" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${DISTDIR}\${EXE}"

  ; The preset the app reads beside its executable (appconfig.PresetPaths).
  ${If} $Portal != ""
  ${OrIf} $Kind != ""
    FileOpen $0 "$INSTDIR\kabinet.json" w
    FileWrite $0 "{"
    ${If} $Portal != ""
      FileWrite $0 '"portal": "$Portal"'
      ${If} $Kind != ""
        FileWrite $0 ", "
      ${EndIf}
    ${EndIf}
    ${If} $Kind != ""
      FileWrite $0 '"public": $Kind'
    ${EndIf}
    FileWrite $0 "}$\r$\n"
    FileClose $0
  ${EndIf}

  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
  CreateShortCut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  ; SHCTX follows SetShellVarContext: HKLM for all users, HKCU otherwise.
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTKEY}" "URLInfoAbout" "${WEBSITE}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr SHCTX "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr SHCTX "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $2 $3
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

; FinishShow hides «Запускать вместе с Windows» in a public install.
Function FinishShow
  ${If} $Kind == "true"
    ShowWindow $mui.FinishPage.ShowReadme ${SW_HIDE}
  ${EndIf}
FunctionEnd

; AddAutostart runs when the box is ticked: the program, its path quoted,
; starts when this user logs on to Windows. Never for a public install.
Function AddAutostart
  ${If} $Kind == "true"
    Return
  ${EndIf}
  WriteRegStr HKCU "${RUNKEY}" "${RUNVALUE}" '"$INSTDIR\${EXE}"'
FunctionEnd

Function un.onInit
  SetRegView 64
  ; All-users install when the HKLM entry points at this folder.
  StrCpy $AllUsers 0
  ReadRegStr $R0 HKLM "${UNINSTKEY}" "InstallLocation"
  ${If} $R0 != ""
  ${AndIf} $R0 == $INSTDIR
    StrCpy $AllUsers 1
  ${EndIf}
  ${If} $AllUsers == 1
    UserInfo::GetAccountType
    Pop $R1
    ${If} $R1 != "Admin"
      MessageBox MB_ICONSTOP "Программа установлена для всех пользователей: удалите её от имени администратора." /SD IDOK
      SetErrorLevel 740
      Quit
    ${EndIf}
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\kabinet.json"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  DeleteRegKey SHCTX "${UNINSTKEY}"
  ; Start with Windows and the notification centre's entry (this user's).
  DeleteRegValue HKCU "${RUNKEY}" "${RUNVALUE}"
  DeleteRegKey HKCU "${TOASTKEY}"

  ; The person's data: only on /REMOVEDATA, or when they agree.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  ${If} ${Errors}
    ${If} ${Silent}
      Goto keep
    ${EndIf}
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 "Удалить также сохранённые данные программы (кэш лицевых счетов, настройки) этого пользователя Windows?$\r$\n$\r$\nЕсли собираетесь установить программу снова, нажмите «Нет»." IDYES remove
    Goto keep
  ${EndIf}
remove:
  SetShellVarContext current
  RMDir /r "$LOCALAPPDATA\kabinet"
  RMDir /r "$APPDATA\kabinet"
  RMDir /r "$APPDATA\fyne\ru.komiesc.kabinet"
keep:
SectionEnd
